package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
)

// TestAnotherOrganisationsAnythingIsNotFound walks every served API route
// that names an organisation or an object, as the admin and as a member of
// organisation A, with organisation B's ids: each answer is 404, and B's data
// is unchanged afterwards.
func TestAnotherOrganisationsAnythingIsNotFound(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		const orgA, orgB = "org_demo_cloud", "org_demo_hk"
		adminB := e.Login("admin@gangxin.demo")
		usersB := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgB + "/users", Token: adminB}).Items()
		if len(usersB) < 2 {
			t.Fatalf("org B has %d users, want its demo admin and member", len(usersB))
		}
		tokenB := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/tokens", Token: adminB, Body: map[string]any{"name": "b's script"}}).JSON()

		// B's ids for each path parameter; a route whose {id} is not a user
		// says which of B's objects it takes.
		idsB := map[string]string{"org": orgB, "id": usersB[1]["id"].(string), "service": "hotline_rescue"}
		fileB := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgB + "/attachments?name=b.log", Token: adminB, Body: "b's log"}).JSON()
		channelB := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgB + "/notify/channels", Token: adminB,
			Body: map[string]any{"type": "wecom", "name": "b's robot", "url": "https://robot.example/send?key=b-0123456789"}}).JSON()
		grantB := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgB + "/access-grants", Token: adminB,
			Body: map[string]any{"until": e.Clock.Now().Add(time.Hour).Format(time.RFC3339), "scope": "all"}}).JSON()
		rescueB := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgB + "/rescues", Token: adminB, Body: map[string]any{
			"title": "b's outage", "description": "nobody can log in", "users_affected": "all", "business_stopped": true,
			"since": e.Clock.Now().Add(-time.Hour).Format(time.RFC3339), "contact": map[string]string{"name": "B", "phone": "+852 5555 0000"}}}).JSON()
		idFor := map[string]string{
			"/api/v1/tokens/{id}":                          tokenB["id"].(string),
			"/api/v1/attachments/{id}":                     fileB["id"].(string),
			"/api/v1/orgs/{org}/access-grants/{id}/revoke": grantB["id"].(string),
			"/api/v1/orgs/{org}/contracts/{id}":            "ctr_demo_hk",
			"/api/v1/orgs/{org}/contracts/{id}/terminate":  "ctr_demo_hk",
			"/api/v1/licenses/{id}":                        "lic_demo_hk",
			"/api/v1/licenses/{id}/file":                   "lic_demo_hk",
			"/api/v1/licenses/{id}/upgrade":                "lic_demo_hk",
			"/api/v1/licenses/{id}/revoke":                 "lic_demo_hk",
			"/api/v1/orgs/{org}/notify/channels/{id}":      channelB["id"].(string),
			"/api/v1/notify/channels/{id}":                 channelB["id"].(string),
			"/api/v1/notify/channels/{id}/test":            channelB["id"].(string),
		}
		for _, action := range []string{"", "/ack", "/confirm", "/downgrade", "/mitigate", "/resolve", "/close", "/updates", "/attachments"} {
			idFor["/api/v1/orgs/{org}/rescues/{id}"+action] = rescueB["id"].(string)
		}
		// Routes of the vendor's public tables, which belong to no organisation,
		// and of its own signing keys (vendor_admin only; keys_test.go checks
		// that customers are refused).
		public := map[string]bool{"/api/v1/products/{code}": true, "/api/v1/products/{code}/versions": true,
			"/api/v1/products/{code}/versions/{name}": true, "/api/v1/lifecycle/{product}": true, "/api/v1/keys/{id}/retire": true}

		// Catalog versions are the vendor's public objects, owned by no
		// organisation: anyone reads them and only the catalog's editors
		// change them (internal/catalog's tests check both), so the walk
		// leaves them out.
		// Help articles are public too (internal/community's tests check
		// that drafts stay hidden and only vendor staff write), and so are
		// the community's questions, answers and comments, which customers
		// of every organisation read and answer (its tests check who may
		// accept, edit and moderate, and that hidden posts stay hidden), and
		// courses and learning paths; a person's course progress is named by
		// no path and is their own (course_api_test.go: another's is 404).
		// Ideas are public like questions (internal/ideas' tests check who
		// may vote, comment and add pictures).
		catalogPublic := func(path string) bool {
			for _, prefix := range []string{"/api/v1/catalog/", "/api/v1/help/", "/api/v1/questions/", "/api/v1/answers/", "/api/v1/posts/",
				"/api/v1/courses/", "/api/v1/learning-paths/", "/api/v1/ideas/"} {
				if strings.HasPrefix(path, prefix) {
					return true
				}
			}
			return false
		}

		// Patches are the vendor's objects too, with public metadata
		// (release notes) and a public signature lookup; who may change or
		// download them is checked by internal/patch's tests. An
		// organisation's patches and plan (/orgs/{org}/patches…) are walked.
		// The on-call rota and escalations are the vendor's own (customers get
		// 403; internal/oncall's API test checks it).
		vendorObject := func(path string) bool {
			return strings.HasPrefix(path, "/api/v1/patches/") || strings.HasPrefix(path, "/api/v1/signatures/") ||
				strings.HasPrefix(path, "/api/v1/oncall/")
		}

		walked := 0
		for _, who := range []string{"admin@yunqi.demo", "member@yunqi.demo"} {
			token := e.Login(who)
			for _, rt := range e.App.Router.Routes() {
				if !rt.API || !strings.Contains(rt.Path, "{") || public[rt.Path] {
					continue
				}
				if catalogPublic(rt.Path) || vendorObject(rt.Path) {
					continue
				}
				path := rt.Path
				if id, ok := idFor[rt.Path]; ok {
					path = strings.ReplaceAll(path, "{id}", id)
				}
				for name, value := range idsB {
					path = strings.ReplaceAll(path, "{"+name+"}", value)
				}
				if strings.Contains(path, "{") {
					t.Errorf("%s %s: no id of organisation B for a path parameter; add it to the walk", rt.Method, rt.Path)
					continue
				}
				res := e.Do(apptest.Request{Method: rt.Method, Path: path, Token: token, Body: "{}"})
				if res.Status != http.StatusNotFound {
					t.Errorf("%s: %s %s = %d, want 404; body %s", who, rt.Method, path, res.Status, res.Body)
				}
				walked++
			}
		}
		if walked < 10 {
			t.Fatalf("walked only %d routes", walked)
		}

		// Nothing of B's changed, and B's token still works.
		after := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgB + "/users", Token: adminB}).Items()
		if len(after) != len(usersB) {
			t.Errorf("org B has %d users after the walk, had %d", len(after), len(usersB))
		}
		if res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/me", Token: tokenB["token"].(string)}); res.Status != http.StatusOK {
			t.Errorf("B's API token stopped working: %d", res.Status)
		}
		if grants := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgB + "/access-grants", Token: adminB}).Items(); len(grants) != 1 || grants[0]["active"] != true {
			t.Errorf("B's access grant after the walk: %v", grants)
		}

		if c := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgB + "/contracts/ctr_demo_hk", Token: adminB}).JSON(); c["status"] != "active" || c["users"] != float64(40) {
			t.Errorf("B's contract after the walk: %v", c)
		}

		if l := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/licenses/lic_demo_hk", Token: adminB}).JSON(); l["status"] != "active" || l["version"] != "8.2" {
			t.Errorf("B's license after the walk: %v", l)
		}

		if chans := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgB + "/notify/channels", Token: adminB}).Items(); len(chans) != 1 || chans[0]["name"] != "b's robot" {
			t.Errorf("B's notification channel after the walk: %v", chans)
		}

		// Lists show a customer only its own organisation.
		orgs := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs", Token: e.Login("member@yunqi.demo")}).Items()
		if len(orgs) != 1 || orgs[0]["id"] != orgA {
			t.Errorf("a customer lists organisations %v, want only its own", orgs)
		}
	})
}
