package db

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Several instances on one PostgreSQL keep their caches correct with
// LISTEN/NOTIFY: a change sends a notification on a channel, and every
// instance's listener forgets what the payload names. SQLite runs one
// instance, so both are no-ops there.

// Notify sends payload on channel. Inside tx it goes out when the
// transaction commits (and not at all if it rolls back); with a nil tx it
// goes out at once. A no-op on SQLite.
func (d *DB) Notify(ctx context.Context, tx *Tx, channel, payload string) error {
	if d.dialect != Postgres {
		return nil
	}
	const q = "SELECT pg_notify($1, $2)"
	if tx != nil {
		// Not a change of data: it neither needs nor makes an audit record.
		_, err := tx.tx.ExecContext(ctx, q, channel, payload)
		return err
	}
	_, err := d.write.ExecContext(ctx, q, channel, payload)
	return err
}

// Listen calls fn with the payload of every notification on channel until
// the database is closed or ctx ends. It listens on a connection of its own
// and reconnects with backoff when that connection fails. Notifications sent
// while it was not connected are lost, so after every (re)connection it calls
// fn("") first: "anything may have changed". It returns at once; fn runs on
// the listener's goroutine, one call at a time. A no-op on SQLite.
func (d *DB) Listen(ctx context.Context, channel string, fn func(payload string)) {
	if d.dialect != Postgres {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	if !d.listeners.add(cancel) {
		cancel()
		return
	}
	go func() {
		defer d.listeners.done()
		listenLoop(ctx, d.url, channel, fn)
	}()
}

func listenLoop(ctx context.Context, url, channel string, fn func(string)) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listenOnce(ctx, url, channel, fn, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		slog.Warn("database listener lost its connection; reconnecting", "channel", channel, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

func listenOnce(ctx context.Context, url, channel string, fn func(string), connected func()) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	fn("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}

// listeners tracks the Listen loops so that Close stops them and waits.
type listeners struct {
	mu      sync.Mutex
	cancels []context.CancelFunc
	closed  bool
	wg      sync.WaitGroup
}

func (l *listeners) add(cancel context.CancelFunc) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.cancels = append(l.cancels, cancel)
	l.wg.Add(1)
	return true
}

func (l *listeners) done() { l.wg.Done() }

func (l *listeners) stop() {
	l.mu.Lock()
	l.closed = true
	cancels := l.cancels
	l.cancels = nil
	l.mu.Unlock()
	for _, cancel := range cancels {
		cancel()
	}
	l.wg.Wait()
}
