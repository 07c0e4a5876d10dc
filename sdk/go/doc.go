// Package triggers is a client for the Triggers API: every endpoint, typed models, errors that
// work with errors.As and errors.Is, retries that cannot duplicate a create (every create carries an
// Idempotency-Key), request signing, webhook verification, cursor listings as iterators or one page
// at a time, and a hook that sees every response (WithOnResponse, ContextWithOnResponse).
//
//	client := triggers.NewClient(os.Getenv("TRIGGERS_API_KEY"), "http://127.0.0.1:8080")
//	event, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: "shop", EventType: "order.created", Payload: map[string]any{"order": 42}})
//	var apiErr *triggers.APIError
//	if errors.As(err, &apiErr) { log.Println(apiErr.Code, apiErr.RequestID) }
//
// Standard library only.
package triggers
