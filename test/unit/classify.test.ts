// classify.ts: native (kind, errno) -> port state and reason, or "probe again".
import { constants } from 'node:os';

import { classify } from '../../lib/scanner/classify';
import { Kind } from '../../lib/native/records';

const E = constants.errno;

describe('Kind', () => {
  it('matches record.h ResultKind', () => {
    expect([Kind.Connected, Kind.Refused, Kind.Timeout, Kind.Error]).toEqual([1, 2, 3, 4]);
  });
});

describe('classify', () => {
  it('a completed handshake is open (syn-ack), whatever the attempt', () => {
    expect(classify(Kind.Connected, 0, 0, 2)).toEqual({ state: 'open', reason: 'syn-ack' });
    expect(classify(Kind.Connected, 0, 2, 2)).toEqual({ state: 'open', reason: 'syn-ack' });
  });

  it('a refusal (RST) is closed at once, never retried', () => {
    expect(classify(Kind.Refused, E.ECONNREFUSED, 0, 2)).toEqual({ state: 'closed', reason: 'conn-refused' });
    expect(classify(Kind.Refused, 0, 0, 5)).toEqual({ state: 'closed', reason: 'conn-refused' });
  });

  it('a timeout is retried until the retries run out, then filtered', () => {
    expect(classify(Kind.Timeout, 0, 0, 2)).toEqual({ state: null, reason: 'no-response' });
    expect(classify(Kind.Timeout, 0, 1, 2)).toEqual({ state: null, reason: 'no-response' });
    expect(classify(Kind.Timeout, 0, 2, 2)).toEqual({ state: 'filtered', reason: 'no-response' });
    expect(classify(Kind.Timeout, 0, 3, 2)).toEqual({ state: 'filtered', reason: 'no-response' });
  });

  it('with no retries a timeout is filtered on the first attempt', () => {
    expect(classify(Kind.Timeout, 0, 0, 0)).toEqual({ state: 'filtered', reason: 'no-response' });
  });

  it('a reset is closed', () => {
    expect(classify(Kind.Error, E.ECONNRESET, 0, 2)).toEqual({ state: 'closed', reason: 'reset' });
  });

  it.each([
    ['EHOSTUNREACH', 'host-unreach'],
    ['ENETUNREACH', 'net-unreach'],
    ['EACCES', 'admin-prohibited'],
    ['EPERM', 'admin-prohibited'],
    ['ETIMEDOUT', 'no-response'],
    ['EPROTO', 'proto-unreach'],
  ] as const)('%s is filtered (%s) at once, not retried', (name, reason) => {
    const errno = E[name];
    expect(typeof errno).toBe('number');
    expect(classify(Kind.Error, errno, 0, 2)).toEqual({ state: 'filtered', reason });
    expect(classify(Kind.Error, errno, 2, 2)).toEqual({ state: 'filtered', reason });
  });

  it('other errors are retried, then unknown with the errno name', () => {
    expect(classify(Kind.Error, E.EADDRNOTAVAIL, 0, 2)).toEqual({ state: null, reason: 'EADDRNOTAVAIL' });
    expect(classify(Kind.Error, E.EADDRNOTAVAIL, 2, 2)).toEqual({ state: 'unknown', reason: 'error:EADDRNOTAVAIL' });
    expect(classify(Kind.Error, E.EMFILE, 0, 0)).toEqual({ state: 'unknown', reason: 'error:EMFILE' });
    expect(classify(Kind.Error, E.ENOBUFS, 1, 1)).toEqual({ state: 'unknown', reason: 'error:ENOBUFS' });
  });

  it('an errno with no name is reported by number', () => {
    expect(classify(Kind.Error, 99999, 0, 1)).toEqual({ state: null, reason: 'errno 99999' });
    expect(classify(Kind.Error, 99999, 1, 1)).toEqual({ state: 'unknown', reason: 'error:errno 99999' });
  });

  it('an unknown kind is treated as an error', () => {
    expect(classify(0 as Kind, E.ECONNRESET, 0, 2)).toEqual({ state: 'closed', reason: 'reset' });
    expect(classify(99 as Kind, E.EHOSTUNREACH, 0, 2)).toEqual({ state: 'filtered', reason: 'host-unreach' });
  });
});
