package triggers

// The audit log: entries newest first (pages or an iterator) and hash-chain verification, of the whole
// chain or of a range of it.

import (
	"context"
	"net/http"
	"net/url"
)

// AuditService is client.Audit.
type AuditService struct{ c *Client }

// AuditQuery filters the log; zero values are left out.
type AuditQuery struct {
	Action, Actor, From, To string // From and To: ISO-8601 instants, inclusive
	Limit                   int    // page size, 1..100 (0: the server's 50)
}

// AuditPage is one page of GET /v1/audit.
type AuditPage struct {
	Entries []AuditEntry `json:"entries"`
	page
}

// ListPage fetches one page of entries, newest first: cursor "" for the first page, then the page's
// NextCursor until it is nil. A page may hold fewer than query.Limit entries and still have more
// after it, when the filters skip many.
func (s *AuditService) ListPage(ctx context.Context, query AuditQuery, cursor string) (*AuditPage, error) {
	q := url.Values{}
	set(q, "action", query.Action)
	set(q, "actor", query.Actor)
	set(q, "from", query.From)
	set(q, "to", query.To)
	setInt(q, "limit", query.Limit)
	set(q, "cursor", cursor)
	var out AuditPage
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/audit", query: q}, &out))
}

// List iterates entries newest first (admin token: all; a keys:manage key: its tenant's), in pages of
// query.Limit (or Iterator.Limit).
func (s *AuditService) List(query AuditQuery) *Iterator[AuditEntry] {
	return newIterator(func(ctx context.Context, cursor string, limit int) ([]AuditEntry, *string, error) {
		pageQuery := query
		pageQuery.Limit = orDefault(limit, query.Limit)
		p, err := s.ListPage(ctx, pageQuery, cursor)
		if err != nil {
			return nil, nil, err
		}
		return p.Entries, p.NextCursor, nil
	})
}

// AuditRange is a stretch of the chain by entry index, both ends included.
type AuditRange struct {
	From int  // the first index checked (0: the chain's start)
	To   *int // the last index checked; nil for the newest entry
}

// Verify recomputes the whole hash chain (admin token).
func (s *AuditService) Verify(ctx context.Context) (*AuditVerification, error) {
	return s.VerifyRange(ctx, AuditRange{})
}

// VerifyRange recomputes the hash chain from r.From to r.To (admin token), checking that the entry
// before r.From links to it. A range past the newest entry is valid with nothing checked; a To before
// From, or a negative index, is an *APIError of KindValidation.
func (s *AuditService) VerifyRange(ctx context.Context, r AuditRange) (*AuditVerification, error) {
	body := map[string]int{"from": r.From}
	if r.To != nil {
		body["to"] = *r.To
	}
	var out AuditVerification
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: "/v1/audit/verify", body: body, idempotent: true}, &out))
}
