package triggers

// The audit log: entries newest first and hash-chain verification.

import (
	"context"
	"net/http"
	"net/url"
)

// AuditService is client.Audit.
type AuditService struct{ c *Client }

// AuditQuery filters the log; zero values are left out.
type AuditQuery struct {
	Action, Actor, From, To string
}

// List iterates entries newest first (admin token: all; a keys:manage key: its tenant's).
func (s *AuditService) List(query AuditQuery) *Iterator[AuditEntry] {
	return newIterator(func(ctx context.Context, cursor string) ([]AuditEntry, *string, error) {
		q := url.Values{}
		set(q, "action", query.Action)
		set(q, "actor", query.Actor)
		set(q, "from", query.From)
		set(q, "to", query.To)
		set(q, "cursor", cursor)
		var p struct {
			Entries []AuditEntry `json:"entries"`
			page
		}
		err := s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/audit", query: q}, &p)
		return p.Entries, p.NextCursor, err
	})
}

// Verify recomputes the whole hash chain (admin token).
func (s *AuditService) Verify(ctx context.Context) (*AuditVerification, error) {
	var out AuditVerification
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: "/v1/audit/verify", body: map[string]int{}, idempotent: true}, &out))
}
