package notice

import (
	"context"
	"fmt"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
)

// Service holds the inbox's use cases. Every reader is the actor: a user only
// ever sees and marks their own notices, vendor staff included.
type Service struct {
	store *Store
	audit *audit.Recorder
	clock clock.Clock
}

// NewService returns the inbox service.
func NewService(store *Store, rec *audit.Recorder, c clock.Clock) *Service {
	return &Service{store: store, audit: rec, clock: c}
}

// Post gives each user (once, however often listed) an unread copy of m,
// inside the caller's transaction: the caller audits the change it notifies
// about, and a rollback takes the notices with it. A link that is not a path
// on this site is dropped; both titles are required.
func (s *Service) Post(ctx context.Context, tx *db.Tx, userIDs []string, m Message) error {
	if err := m.normalize(); err != nil {
		return err
	}
	now := s.clock.Now()
	seen := make(map[string]bool, len(userIDs))
	for _, userID := range userIDs {
		if userID == "" || seen[userID] {
			continue
		}
		seen[userID] = true
		n := Notice{ID: id.New("ntc", now), Title: m.Title, Body: m.Body, Link: m.Link, CreatedAt: now}
		if err := s.store.Insert(ctx, tx, userID, n); err != nil {
			return fmt.Errorf("post a notice to %s: %w", userID, err)
		}
	}
	return nil
}

// List returns the actor's notices, newest first, after the cursor (the id
// the previous page ended with; empty for the first page): up to limit+1, so
// that the caller can tell whether there is a next page.
func (s *Service) List(ctx context.Context, a *actor.Actor, after string, limit int) ([]Notice, error) {
	return s.store.List(ctx, a.UserID, false, after, limit+1)
}

// ListUnread is List without the notices the actor has read.
func (s *Service) ListUnread(ctx context.Context, a *actor.Actor, after string, limit int) ([]Notice, error) {
	return s.store.List(ctx, a.UserID, true, after, limit+1)
}

// Unread counts the actor's unread notices.
func (s *Service) Unread(ctx context.Context, a *actor.Actor) (int, error) {
	return s.store.CountUnread(ctx, s.store.DB(), a.UserID)
}

// MarkRead marks one of the actor's notices read and returns it; another
// user's notice is not found. Marking a read notice again changes nothing.
func (s *Service) MarkRead(ctx context.Context, a *actor.Actor, noticeID string) (Notice, error) {
	var out Notice
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		n, err := s.store.Get(ctx, tx, a.UserID, noticeID)
		if err != nil || !n.Unread() {
			out = n
			return err
		}
		now := s.clock.Now()
		if err := s.store.MarkRead(ctx, tx, a.UserID, noticeID, now); err != nil {
			return err
		}
		n.ReadAt = &now
		out = n
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: a.OrgID, Action: "notice.read", TargetType: "notice", TargetID: noticeID,
			Changes: map[string]audit.Change{"read_at": {After: now}}})
	})
	return out, err
}

// MarkAllRead marks every unread notice of the actor read.
func (s *Service) MarkAllRead(ctx context.Context, a *actor.Actor) error {
	return s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		unread, err := s.store.CountUnread(ctx, tx, a.UserID)
		if err != nil || unread == 0 {
			return err
		}
		if err := s.store.MarkAllRead(ctx, tx, a.UserID, s.clock.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: a.OrgID, Action: "notice.read_all", TargetType: "user", TargetID: a.UserID,
			Changes: map[string]audit.Change{"unread": {Before: unread, After: 0}}})
	})
}
