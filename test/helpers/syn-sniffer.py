# SPDX-License-Identifier: MIT
# syn-sniffer.py SECONDS DEVICE: run inside the testbed's scanner namespace; for SECONDS, records
# the time of every outgoing TCP SYN (no ACK) to 198.18.0.0/16 on DEVICE, and prints the times
# (seconds) as one JSON array. Reads only; sends nothing. For the rate test.
# Each time is the kernel's timestamp of the frame (SO_TIMESTAMPNS), not the moment this script
# reads it: on a busy machine the script is scheduled late and reads frames in bunches, which
# would move them into the wrong second. The 8 MB receive buffer holds them meanwhile.
# syn-sniffer.py SECONDS DEVICE ports: prints instead the number of SYNs per destination port, as a
# JSON object {"port": count} (for the connect-mode retransmission test).
import json
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = 35  # asm-generic/socket.h; SCM_TIMESTAMPNS has the same value

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def stamp(ancillary) -> float:
    """The kernel's receive time of the frame, seconds (wall clock; only differences are used)."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            sec, nsec = struct.unpack('qq', data[:16])
            return sec + nsec / 1e9
    raise SystemExit('syn-sniffer: the kernel gave no timestamp (SO_TIMESTAMPNS)')


def main() -> None:
    seconds, device = float(sys.argv[1]), sys.argv[2]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((device, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.settimeout(0.1)
    print('ready', file=sys.stderr, flush=True)
    end = time.monotonic() + seconds
    times = []
    per_port = {}
    while True:
        if time.monotonic() >= end:
            s.settimeout(0.2)  # time is up: take what is still queued, then stop
        try:
            frame, ancillary, _flags, addr = s.recvmsg(256, socket.CMSG_SPACE(16))
        except socket.timeout:
            if time.monotonic() >= end:
                break
            continue
        if addr[2] != PACKET_OUTGOING or len(frame) < 54 or frame[12:14] != b'\x08\x00':
            continue
        ihl = (frame[14] & 0x0F) * 4
        if frame[23] != 6 or frame[30:32] != bytes([198, 18]) or len(frame) < 14 + ihl + 14:
            continue
        if frame[14 + ihl + 13] & 0x12 == 0x02:
            times.append(stamp(ancillary))
            port = str(int.from_bytes(frame[14 + ihl + 2 : 14 + ihl + 4], 'big'))
            per_port[port] = per_port.get(port, 0) + 1
    print(json.dumps(per_port if sys.argv[3:] == ['ports'] else times))


main()
