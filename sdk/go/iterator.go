package triggers

// Iterates a cursor listing: pages are fetched as the caller advances, so stopping early fetches
// nothing more.

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
	fetch  func(ctx context.Context, cursor string) ([]T, *string, error)
	items  []T
	cursor *string // nil once the last page was fetched
	value  T
	err    error
}

func newIterator[T any](fetch func(ctx context.Context, cursor string) ([]T, *string, error)) *Iterator[T] {
	empty := ""
	return &Iterator[T]{fetch: fetch, cursor: &empty}
}

// Next advances to the next item, fetching the next page when needed; false at the end or on error.
func (it *Iterator[T]) Next(ctx context.Context) bool {
	for len(it.items) == 0 {
		if it.err != nil || it.cursor == nil {
			return false
		}
		items, next, err := it.fetch(ctx, *it.cursor)
		if err != nil {
			it.err = err
			return false
		}
		it.items, it.cursor = items, next
	}
	it.value, it.items = it.items[0], it.items[1:]
	return true
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
