import { maxOf, samplesOf, sumOf } from './prometheus-text';

const EXPOSITION = [
  '# HELP cardlink_consumer_lag_messages lag',
  '# TYPE cardlink_consumer_lag_messages gauge',
  'cardlink_consumer_lag_messages{group="g",topic="t",partition="0"} 12',
  'cardlink_consumer_lag_messages{group="g",topic="t",partition="1"} 3',
  'cardlink_consumer_lag_messages_extra 1000',
  'cardlink_outbox_oldest_unsent_age_seconds 0.25',
  'cardlink_outbox_backlog_events NaN',
].join('\n');

describe('Prometheus text', () => {
  it('reads every sample of a labelled metric and ignores metrics that only share the prefix', () => {
    expect(samplesOf(EXPOSITION, 'cardlink_consumer_lag_messages')).toEqual([12, 3]);
    expect(sumOf(EXPOSITION, 'cardlink_consumer_lag_messages')).toBe(15);
  });

  it('reads an unlabelled sample and skips NaN', () => {
    expect(maxOf(EXPOSITION, 'cardlink_outbox_oldest_unsent_age_seconds')).toBe(0.25);
    expect(samplesOf(EXPOSITION, 'cardlink_outbox_backlog_events')).toEqual([]);
  });
});
