package triggers

// Iterates a cursor listing: pages are fetched as the caller advances, so stopping early fetches
// nothing more. Each listing also has a Page method that fetches one page and hands over its cursor.

import "context"

// page is what every cursor listing shares.
type page struct {
	NextCursor *string `json:"next_cursor"`
	HasMore    bool    `json:"has_more"`
}

// Iterator walks every item of every page:
//
//	it := client.Inbox(triggers.InboxQuery{})
//	for it.Next(ctx) { event := it.Value(); ... }
//	if err := it.Err(); err != nil { ... }
type Iterator[T any] struct {
	fetch  func(ctx context.Context, cursor string, limit int) ([]T, *string, error)
	limit  int // 0: the listing's query, else the server's default
	items  []T
	cursor *string // nil once the last page was fetched
	value  T
	err    error
}

func newIterator[T any](fetch func(ctx context.Context, cursor string, limit int) ([]T, *string, error)) *Iterator[T] {
	empty := ""
	return &Iterator[T]{fetch: fetch, cursor: &empty}
}

// Next advances to the next item, fetching the next page when needed; false at the end or on error.
func (it *Iterator[T]) Next(ctx context.Context) bool {
	for len(it.items) == 0 {
		if it.err != nil || it.cursor == nil {
			return false
		}
		items, next, err := it.fetch(ctx, *it.cursor, it.limit)
		if err != nil {
			it.err = err
			return false
		}
		it.items, it.cursor = items, next
	}
	it.value, it.items = it.items[0], it.items[1:]
	return true
}

// Limit sets how many items each page fetched from now on may hold, and returns the iterator:
//
//	client.Webhooks.List(nil).Limit(100).All(ctx)
//
// It overrides the Limit of the listing's query, if it has one; 0 keeps that, or the server's
// default (50; analytics rows 100). The value is sent as it is: one the server refuses (webhooks,
// deliveries, the DLQ, key versions, the audit log and the inbox take 1 to 100, analytics rows 1 to
// 500) ends the iteration with an *APIError of KindValidation, as the Page methods return it.
func (it *Iterator[T]) Limit(n int) *Iterator[T] {
	it.limit = n
	return it
}

// Value is the current item.
func (it *Iterator[T]) Value() T { return it.value }

// Err is the error that stopped the iteration, if any.
func (it *Iterator[T]) Err() error { return it.err }

// All collects every remaining item (bounded listings only).
func (it *Iterator[T]) All(ctx context.Context) ([]T, error) {
	var all []T
	for it.Next(ctx) {
		all = append(all, it.Value())
	}
	return all, it.Err()
}
