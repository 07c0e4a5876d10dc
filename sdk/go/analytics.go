package triggers

// Analytics: rows (pages or an iterator), the summary, and the export as a stream that is never buffered whole.

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// AnalyticsService is client.Analytics.
type AnalyticsService struct{ c *Client }

func (q AnalyticsQuery) values() url.Values {
	v := url.Values{}
	set(v, "start_date", q.StartDate)
	set(v, "end_date", q.EndDate)
	set(v, "metric_type", q.MetricType)
	setInt(v, "limit", q.Limit)
	return v
}

// AnalyticsPage is one page of GET /v1/analytics.
type AnalyticsPage struct {
	MetricType string         `json:"metric_type"`
	StartDate  string         `json:"start_date"`
	EndDate    string         `json:"end_date"`
	Data       []AnalyticsRow `json:"data"`
	page
}

// RowsPage fetches one page of the range's rows, oldest first: cursor "" for the first page, then the
// page's NextCursor until it is nil. query.Limit is sent as it is (1..500; 0: the server's 100).
func (s *AnalyticsService) RowsPage(ctx context.Context, query AnalyticsQuery, cursor string) (*AnalyticsPage, error) {
	q := query.values()
	set(q, "cursor", cursor)
	var out AnalyticsPage
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/analytics", query: q}, &out))
}

// Rows iterates every row of the range, oldest first, in pages of query.Limit (or Iterator.Limit).
func (s *AnalyticsService) Rows(query AnalyticsQuery) *Iterator[AnalyticsRow] {
	return newIterator(func(ctx context.Context, cursor string, limit int) ([]AnalyticsRow, *string, error) {
		pageQuery := query
		pageQuery.Limit = orDefault(limit, query.Limit)
		p, err := s.RowsPage(ctx, pageQuery, cursor)
		if err != nil {
			return nil, nil, err
		}
		return p.Data, p.NextCursor, nil
	})
}

// Summary totals the range with the top sources and event types (top 0: the server's 10).
func (s *AnalyticsService) Summary(ctx context.Context, query AnalyticsQuery, top int) (*AnalyticsSummary, error) {
	q := query.values()
	q.Del("metric_type")
	q.Del("limit")
	setInt(q, "top", top)
	var out AnalyticsSummary
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/analytics/summary", query: q}, &out))
}

// Export is a download: the server's file name and content type, and the body to read and close.
// A transfer cut midway makes reading Body fail (never a short file that looks complete).
type Export struct {
	Filename    string
	ContentType string
	Body        io.ReadCloser
}

// Export starts the download in format csv or json; the caller must close Body.
func (s *AnalyticsService) Export(ctx context.Context, query AnalyticsQuery, format string) (*Export, error) {
	q := query.values()
	q.Set("format", format)
	res, _, err := s.c.do(ctx, call{method: http.MethodGet, path: "/v1/analytics/export", query: q, stream: true})
	if err != nil {
		return nil, err
	}
	out := &Export{ContentType: res.Header.Get("Content-Type"), Body: res.Body}
	if _, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition")); err == nil {
		out.Filename = params["filename"]
	}
	return out, nil
}
