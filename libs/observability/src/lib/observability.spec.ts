import { observability } from './observability';

describe('observability', () => {
  it('should work', () => {
    expect(observability()).toEqual('observability');
  });
});
