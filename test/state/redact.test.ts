import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/state/redact.js';

describe('createRedactor', () => {
  it('replaces the values of env vars named like secrets, longest first', () => {
    const redact = createRedactor([
      { COORDINATOR_TOKEN: 'tok-abcdef123', PATH: '/usr/bin' },
      { DB_PASSWORD: 'hunter2hunter2', API_KEY: 'tok-abcdef123-extra' },
    ]);
    expect(redact('Authorization: Bearer tok-abcdef123-extra and tok-abcdef123 /usr/bin')).toBe(
      'Authorization: Bearer *** and *** /usr/bin',
    );
    expect(redact('pw=hunter2hunter2')).toBe('pw=***');
  });

  it('leaves short values and other names alone', () => {
    const redact = createRedactor([{ SHORT_TOKEN: 'abc', HOME: '/root/secret-home' }]);
    expect(redact('abc /root/secret-home')).toBe('abc /root/secret-home');
  });

  it('takes the name patterns from the plan', () => {
    const redact = createRedactor([{ MY_CERT: 'certificate-body' }], ['MY_*']);
    expect(redact('x certificate-body y')).toBe('x *** y');
  });
});
