// -sV's options: the CLI's flags (lib/cli/service-args.ts) and the library's `service` option
// (lib/service/options.ts), refused with one line naming the bad value.
import { parseArgs, toOptions } from '../../lib/cli/scan-args';
import { checkServiceOption } from '../../lib/service/options';
import { runScan } from '../../lib/scan';

async function options(argv: string[]) {
  return toOptions(await parseArgs(argv));
}

it('reads -sV, --service, --banners and the limits', async () => {
  expect((await options(['-sV', '127.0.0.1'])).service).toEqual({});
  expect((await options(['--banners', '127.0.0.1'])).service).toEqual({});
  expect((await options(['127.0.0.1'])).service).toBeUndefined();
  expect(
    (await options(['--service', '--service-timeout', '2s', '--service-tasks', '16', '127.0.0.1'])).service,
  ).toEqual({ timeoutMs: 2000, tasks: 16 });
});

it('refuses bad limits, limits without --service, and checkpoints', async () => {
  await expect(options(['-sV', '--service-timeout', '0', '127.0.0.1'])).rejects.toThrow(
    "option '--service-timeout' expects a whole number from 1 to 600000, got '0'",
  );
  await expect(options(['-sV', '--service-tasks', '2s', '127.0.0.1'])).rejects.toThrow(/--service-tasks.*got '2s'/);
  await expect(options(['--service-tasks', '4', '127.0.0.1'])).rejects.toThrow(/need --service/);
  await expect(options(['-sV', '--checkpoint', 'x.cp', '127.0.0.1'])).rejects.toThrow(/--checkpoint or --resume/);
  await expect(parseArgs(['--service=maybe', '127.0.0.1'])).rejects.toThrow(/is a switch/);
});

it("checks the library's service option before anything is sent", async () => {
  expect(checkServiceOption(true)).toEqual({});
  expect(checkServiceOption(false)).toBeUndefined();
  expect(checkServiceOption({ timeoutMs: 500, perHost: 2 })).toEqual({ timeoutMs: 500, perHost: 2 });
  expect(() => checkServiceOption({ timeoutMs: -1 })).toThrow("option 'service.timeoutMs' expects a whole number");
  expect(() => checkServiceOption({ evil: 1 })).toThrow("option 'service' has no limit 'evil'");
  expect(() => checkServiceOption('yes')).toThrow(/expects true or an object/);
  await expect(
    runScan({ targets: '127.0.0.1', ports: '1', mode: 'connect', service: { tasks: 0 } }, { onResult: () => {} }),
  ).rejects.toThrow("option 'service.tasks' expects a whole number from 1 to 10000, got 0");
});
