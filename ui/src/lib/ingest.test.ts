import { describe, expect, it } from 'vitest';

import { describeBatch } from './ingest';

describe('describeBatch', () => {
  it('says what a watched batch did and how many invoices need a person', () => {
    expect(describeBatch({ documents: 3, processed: 2, rejected: 1, duplicate_files: 0, exceptions: 1 })).toBe(
      'Took in 3 documents from the inbox: 2 were read, 1 could not be used. 1 invoice needs you.',
    );
  });

  it('leaves out what did not happen', () => {
    expect(describeBatch({ documents: 1, processed: 1, rejected: 0, duplicate_files: 0, exceptions: 0 })).toBe(
      'Took in 1 document from the inbox: 1 was read.',
    );
  });
});
