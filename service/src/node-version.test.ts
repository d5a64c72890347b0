import { describe, expect, it } from 'vitest';

// .ci/run runs the service's tests a second time on the Node major of the service image
// (templates/Dockerfile's BASE_IMAGE) and says which one in PAPI_EXPECT_NODE_MAJOR: this proves they
// really ran there. Under `npm test` (the project's own Node) there is nothing to check.
const expected = process.env.PAPI_EXPECT_NODE_MAJOR;

describe.runIf(expected !== undefined)("the service image's Node", () => {
  it(`runs these tests on Node ${expected ?? ''}`, () => {
    expect(process.versions.node.split('.')[0]).toBe(expected);
  });
});
