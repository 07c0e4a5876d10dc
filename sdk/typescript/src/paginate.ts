// Turns a cursor listing into an async iterator: pages are fetched as the caller consumes items,
// so `break` stops paging and nothing is fetched ahead.
import type { Page } from './models.js';

/**
 * Yields every item of every page, following `next_cursor` until it is null. `fetchPage` gets the
 * cursor (undefined for the first page) and returns the page and its items.
 * @example
 * for await (const event of paginate((cursor) => client.events.inboxPage({ cursor }), (p) => p.events)) ...
 */
export async function* paginate<P extends Page, T>(
  fetchPage: (cursor: string | undefined) => Promise<P>,
  itemsOf: (page: P) => readonly T[],
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* itemsOf(page);
    if (page.next_cursor === null || !page.has_more) return;
    cursor = page.next_cursor;
  }
}
