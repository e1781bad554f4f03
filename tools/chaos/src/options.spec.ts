import { FULL_RUN, parseChaosOptions, SHORT_RUN, UsageError } from './options';

describe('parseChaosOptions', () => {
  it('defaults to the full run: 5,000 orders, two kills per service and a broker restart', () => {
    expect(parseChaosOptions([], 7)).toEqual({ orders: FULL_RUN.orders, rate: FULL_RUN.rate, short: false, seed: 7, killsPerService: 2, restartBroker: true });
  });

  it('--short gives the CI run: fewer orders, one kill per service, no broker restart', () => {
    expect(parseChaosOptions(['--short'], 7)).toEqual({ orders: SHORT_RUN.orders, rate: SHORT_RUN.rate, short: true, seed: 7, killsPerService: 1, restartBroker: false });
  });

  it('takes --orders, --rate and --seed in any order', () => {
    expect(parseChaosOptions(['--rate', '2.5', '--short', '--orders', '40', '--seed', '3'])).toMatchObject({ orders: 40, rate: 2.5, short: true, seed: 3 });
  });

  it.each([
    [['--orders'], /--orders needs a positive integer, got nothing/],
    [['--orders', '1.5'], /--orders needs a positive integer, got "1.5"/],
    [['--rate', '0'], /--rate needs a positive number/],
    [['--rate', 'fast'], /--rate needs a positive number, got "fast"/],
    [['--kill-all'], /unknown option "--kill-all"/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseChaosOptions(argv)).toThrow(UsageError);
    expect(() => parseChaosOptions(argv)).toThrow(message);
  });
});
