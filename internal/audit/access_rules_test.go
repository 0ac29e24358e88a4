package audit_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
)

// TestTheObjectAnAttachmentBelongsToIsTheFirstBasis registers a resolver the
// way a later room (rescues) will: an attachment of an open rescue is
// readable on the rescue itself, before any grant is looked at; one of
// another rescue is not.
func TestTheObjectAnAttachmentBelongsToIsTheFirstBasis(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		p := logins(e)
		var asked []string
		e.App.Access.RegisterOwner("rescue", func(ctx context.Context, q db.Querier, a *actor.Actor, orgID, ownerID string) (audit.Basis, bool, error) {
			asked = append(asked, a.UserID+"@"+orgID+"/"+ownerID)
			return audit.Basis{Kind: "rescue", ID: ownerID}, ownerID == "rsc_open", nil
		})
		me := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/me", Token: p.member}).JSON()
		member := &actor.Actor{UserID: me["id"].(string), OrgID: orgA, Role: actor.CustomerMember}
		create := func(owner string) string {
			att, err := e.App.Attachments.Create(context.Background(), member, orgA,
				attachment.Upload{Name: owner + ".log", Body: strings.NewReader("stack trace"), OwnerKind: "rescue", OwnerID: owner})
			if err != nil {
				t.Fatal(err)
			}
			if *att.OwnerKind != "rescue" || *att.OwnerID != owner {
				t.Fatalf("owner: %+v", att)
			}
			return att.ID
		}
		open, other := create("rsc_open"), create("rsc_closed")

		if res := read(e, p.agent, open); res.Status != http.StatusOK {
			t.Fatalf("read on the owning rescue: %d %s", res.Status, res.Body)
		}
		e.Run(t, []apptest.Check{{Name: "another rescue", Req: apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + other, Token: p.agent}, Status: 403, Code: "access.no_basis"}})

		// With a grant as well, the owner still comes first; the other file is now readable on the grant.
		g := grant(t, e, p.admin, orgA, map[string]any{"until": rfc3339(e.Clock.Now().Add(time.Hour)), "scope": "attachments"})
		read(e, p.agent, open)
		read(e, p.agent, other)
		var bases []string
		for _, rec := range list(e, p.admin, "/api/v1/orgs/"+orgA+"/access-log") {
			b := rec["basis"].(map[string]any)
			bases = append(bases, rec["object_id"].(string)+":"+b["kind"].(string)+":"+b["id"].(string))
		}
		want := []string{other + ":access_grant:" + g["id"].(string), open + ":rescue:rsc_open", open + ":rescue:rsc_open"}
		if strings.Join(bases, " ") != strings.Join(want, " ") {
			t.Fatalf("bases, newest first:\n got %v\nwant %v", bases, want)
		}
		if len(asked) == 0 || !strings.HasSuffix(asked[0], "@"+orgA+"/rsc_open") {
			t.Fatalf("the resolver was asked %v", asked)
		}
	})
}

// TestGrantsLawfulRequestsAndTheLogKeepTheirHistory: the database itself
// refuses to change the log or a lawful request, and lets a grant change
// only by being revoked once.
func TestGrantsLawfulRequestsAndTheLogKeepTheirHistory(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		p := logins(e)
		id := uploaded(t, e, p.member, orgA, "a.txt", "a")
		g := grant(t, e, p.admin, orgA, map[string]any{"until": rfc3339(e.Clock.Now().Add(time.Hour)), "scope": "all"})
		read(e, p.agent, id)
		e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgA + "/lawful-requests", Token: p.vendorAdmin, Body: map[string]any{
			"authority": "x", "reference": "y", "scope": "all", "until": rfc3339(e.Clock.Now().Add(time.Hour))}})
		ctx := context.Background()
		for _, stmt := range []string{
			"UPDATE access_log SET basis_kind = 'forged'",
			"DELETE FROM access_log",
			"UPDATE lawful_requests SET disclose_on = '2099-01-01'",
			"DELETE FROM lawful_requests",
			"UPDATE access_grants SET until = until",
			"UPDATE access_grants SET note = 'rewritten', revoked_at = created_at",
			"DELETE FROM access_grants",
		} {
			if _, err := e.App.DB.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "history") {
				t.Errorf("%s: got %v, want the database to refuse", stmt, err)
			}
		}
		revoke := "UPDATE access_grants SET revoked_at = created_at, revoked_by = 'x' WHERE id = '" + g["id"].(string) + "'"
		if _, err := e.App.DB.Exec(ctx, revoke); err != nil {
			t.Fatalf("revoking a grant: %v", err)
		}
		if _, err := e.App.DB.Exec(ctx, revoke); err == nil {
			t.Fatal("a revoked grant was revoked again")
		}
		var n int
		e.App.DB.QueryRow(ctx, "SELECT count(*) FROM access_log").Scan(&n)
		if n != 1 {
			t.Fatalf("access_log has %d rows, want 1", n)
		}
	})
}
