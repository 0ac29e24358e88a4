package ideas

import (
	"context"
	"fmt"
	"testing"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
)

// everyoneListens grants requirement listening to every organisation.
type everyoneListens struct{}

func (everyoneListens) Check(context.Context, string, string, time.Time) (entitlement.Entitlement, error) {
	return entitlement.Entitlement{Service: RequirementListening, Status: entitlement.Active}, nil
}

// testSquare is a square on d with a manual clock, every organisation
// entitled and one known product, k3cloud.
func testSquare(t *testing.T, d *db.DB) (*Service, *clock.Manual) {
	t.Helper()
	c := clock.NewManual(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return NewService(Deps{Store: NewStore(d), Audit: audit.NewRecorder(c), Clock: c, Index: search.NewDBIndex(d),
		Entitlements: everyoneListens{}, Blobs: blobs,
		KnownProduct: func(_ context.Context, code string) (bool, error) { return code == "k3cloud", nil }}), c
}

func customer(n int) *actor.Actor {
	return &actor.Actor{UserID: fmt.Sprintf("u_%d", n), OrgID: fmt.Sprintf("org_%d", n%3), Role: actor.CustomerMember, Name: fmt.Sprintf("客户 %d", n)}
}

func mustCreate(t *testing.T, s *Service, a *actor.Actor, title string) Idea {
	t.Helper()
	it, err := s.Create(context.Background(), a, Input{Title: title, Body: "**详细**说明", Product: "k3cloud"})
	if err != nil {
		t.Fatalf("create %q: %v", title, err)
	}
	return it
}

func code(err error) string {
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	return fmt.Sprint(err)
}

func TestVoteOncePerPersonAndTakeBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, c := testSquare(t, d)
		ctx := context.Background()
		author, voter := customer(1), customer(2)
		it := mustCreate(t, s, author, "凭证列表支持按辅助核算筛选")
		if it.Votes != 1 || !it.Voted || !it.Following || it.Followers != 1 || it.HTML == "" {
			t.Fatalf("a new idea counts its author's vote and follow: %+v", it)
		}
		if _, err := s.Vote(ctx, author, it.ID); code(err) != "idea.already_voted" {
			t.Errorf("the author voting again: %v, want idea.already_voted", err)
		}
		c.Advance(time.Hour)
		got, err := s.Vote(ctx, voter, it.ID)
		if err != nil || got.Votes != 2 || !got.Voted {
			t.Fatalf("a second voter: %+v %v", got, err)
		}
		if got, err = s.Unvote(ctx, author, it.ID); err != nil || got.Votes != 1 || got.Voted {
			t.Errorf("the author takes the vote back: %+v %v", got, err)
		}
		if _, err := s.Unvote(ctx, author, it.ID); code(err) != "idea.not_voted" {
			t.Errorf("taking back a vote one does not have: %v, want idea.not_voted", err)
		}
		var trend float64
		if err := d.QueryRow(ctx, `SELECT trend FROM ideas WHERE id = ?`, it.ID).Scan(&trend); err != nil || trend != Trend([]time.Time{c.Now()}) {
			t.Errorf("trend after the author's vote went: %v %v, want the remaining vote's alone", trend, err)
		}
	})
}
