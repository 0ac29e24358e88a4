package license_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/pkg/licensefile"
)

type req = apptest.Request

// trustedKeys reads the vendor's public keys as a verifier would.
func trustedKeys(t *testing.T, e *apptest.Env) []licensefile.TrustedKey {
	t.Helper()
	keys, err := licensefile.ParseKeys(e.Do(req{Method: "GET", Path: "/api/v1/keys"}).Body)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// download fetches a license's file and checks how it is served.
func download(t *testing.T, e *apptest.Env, token, licenseID string) []byte {
	t.Helper()
	res := e.Do(req{Method: "GET", Path: "/api/v1/licenses/" + licenseID + "/file", Token: token})
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), licenseID+".license") {
		t.Fatalf("file of %s: %d %v %s", licenseID, res.Status, res.Header, res.Body)
	}
	return res.Body
}

// releaseVersions adds k3cloud 9.5 (released a week ago) and 10.0 (not yet
// released) as the product manager would.
func releaseVersions(t *testing.T, e *apptest.Env) {
	t.Helper()
	pm := e.Login("pm@steward.demo")
	for _, v := range []map[string]any{{"name": "9.5", "released_on": "2026-11-20", "standard_support_until": "2031-12-31"},
		{"name": "10.0", "released_on": "2027-03-01", "standard_support_until": "2032-12-31"}} {
		if res := e.Do(req{Method: "POST", Path: "/api/v1/products/k3cloud/versions", Token: pm, Body: v}); res.Status != http.StatusCreated {
			t.Fatalf("add version %v: %d %s", v["name"], res.Status, res.Body)
		}
	}
}

// TestUpgradeAcceptance is the issue's acceptance over the API: the
// public-cloud customer upgrades its demo license, as the demo stands, to
// the newest released version; the new file verifies with the public keys and has the same
// modules and users; the old one is superseded but still verifies; the
// contract moves; a repeat with the same Idempotency-Key issues nothing
// new; nothing is newer than that; a version released later is the next
// upgrade; the perpetual customer is refused with the reason and what to do.
func TestUpgradeAcceptance(t *testing.T) {
	newest := app.DemoVersions[len(app.DemoVersions)-1].Name
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		keys := trustedKeys(t, e)
		admin := e.Login("admin@yunqi.demo")
		list := e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/licenses", Token: admin}).Items()
		if len(list) != 1 || list[0]["id"] != "lic_demo_cloud" || list[0]["status"] != "active" || list[0]["version"] != "9.0" {
			t.Fatalf("the cloud customer's demo licenses: %v", list)
		}
		oldFile := download(t, e, admin, "lic_demo_cloud")
		old, err := licensefile.Verify(oldFile, keys, e.Clock.Now())
		if err != nil {
			t.Fatalf("the demo license does not verify: %v", err)
		}
		if old.OrgName != "云启制造有限公司" || old.Users != 120 || !slices.Equal(old.Modules, []string{"ap", "ar", "gl", "inv"}) || old.ValidUntil != "2027-12-31" {
			t.Errorf("the demo license says %+v", old)
		}
		upgrade := req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade", Token: admin, Header: map[string]string{"Idempotency-Key": "upgrade-1"}}
		res := e.Do(upgrade)
		if res.Status != http.StatusCreated {
			t.Fatalf("upgrade: %d %s", res.Status, res.Body)
		}
		got := res.JSON()
		if got["version"] != newest || got["supersedes"] != "lic_demo_cloud" || got["status"] != "active" || got["valid_until"] != "2027-12-31" ||
			res.Header.Get("Location") != "/api/v1/licenses/"+got["id"].(string) {
			t.Errorf("the new license: %v", got)
		}
		newID := got["id"].(string)
		if again := e.Do(upgrade); again.Status != http.StatusCreated || again.JSON()["id"] != newID {
			t.Errorf("a repeat with the same key: %d %s, want the same license %s", again.Status, again.Body, newID)
		}
		if n := len(e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/licenses", Token: admin}).Items()); n != 2 {
			t.Errorf("%d licenses after an upgrade and its repeat, want 2", n)
		}

		lic, err := licensefile.Verify(download(t, e, admin, newID), keys, e.Clock.Now())
		if err != nil {
			t.Fatalf("the upgraded license does not verify: %v", err)
		}
		if lic.Version != newest || lic.Users != old.Users || !slices.Equal(lic.Modules, old.Modules) || lic.Supersedes != "lic_demo_cloud" ||
			lic.ValidFrom != old.ValidFrom || lic.ValidUntil != old.ValidUntil {
			t.Errorf("the upgraded license says %+v; the old one %+v", lic, old)
		}
		if _, err := licensefile.Verify(oldFile, keys, e.Clock.Now()); err != nil {
			t.Errorf("the superseded license no longer verifies: %v", err)
		}
		if st := e.Do(req{Method: "GET", Path: "/api/v1/licenses/lic_demo_cloud", Token: admin}).JSON(); st["status"] != "superseded" || st["superseded_by"] != newID {
			t.Errorf("the old license: %v", st)
		}
		if c := e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/contracts/ctr_demo_cloud", Token: admin}).JSON(); c["version"] != newest {
			t.Errorf("the contract's version is %v, want %s", c["version"], newest)
		}
		if entries := e.Do(req{Method: "GET", Path: "/api/v1/audit?org=org_demo_cloud", Token: e.Login("admin@steward.demo")}).Items(); !hasAction(entries, "contract.move_version") || !hasAction(entries, "license.upgrade") {
			t.Errorf("the audit trail lacks the upgrade or the contract's move: %v", entries)
		}

		e.Run(t, []apptest.Check{
			{Name: "the same key with another body", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade", Token: admin,
				Header: map[string]string{"Idempotency-Key": "upgrade-1"}, Body: map[string]any{"to_version": newest}}, Status: 422, Code: "license.idempotency_key_reused", Field: "Idempotency-Key"},
			{Name: "nothing newer than " + newest + " yet", Req: req{Method: "POST", Path: "/api/v1/licenses/" + newID + "/upgrade", Token: admin},
				Status: 422, Code: "license.no_newer_version", Field: "to_version"},
			{Name: "a superseded license", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade", Token: admin}, Status: 409, Code: "license.not_active"},
			{Name: "the perpetual customer", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_perpetual/upgrade", Token: e.Login("admin@huabei.demo")},
				Status: 403, Code: "entitlement.not_in_contract"},
		})
		refusal := e.Do(req{Method: "POST", Path: "/api/v1/licenses/lic_demo_perpetual/upgrade", Token: e.Login("admin@huabei.demo"),
			Header: map[string]string{"Accept-Language": "en"}}).JSON()
		instead, _ := refusal["instead"].(map[string]any)
		if !strings.Contains(refusal["detail"].(string), "License upgrade") || !strings.Contains(instead["en"].(string), "perpetual") || instead["zh"] == "" {
			t.Errorf("the perpetual customer's refusal says %v", refusal)
		}

		// 9.5 released a week ago is the next upgrade; 10.0, not yet released, is not.
		releaseVersions(t, e)
		if next := e.Do(req{Method: "POST", Path: "/api/v1/licenses/" + newID + "/upgrade", Token: admin}).JSON(); next["version"] != "9.5" || next["supersedes"] != newID {
			t.Errorf("the upgrade after 9.5's release: %v", next)
		}
	})
}

func hasAction(entries []map[string]any, action string) bool {
	return slices.ContainsFunc(entries, func(e map[string]any) bool { return e["action"] == action })
}

// TestUpgradeBadInput refuses what cannot be an upgrade, naming the field.
func TestUpgradeBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		releaseVersions(t, e)
		admin := e.Login("admin@yunqi.demo")
		up := func(body any) req {
			return req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade", Token: admin, Body: body}
		}
		e.Run(t, []apptest.Check{
			{Name: "unknown field", Req: up(map[string]any{"to_versoin": "9.5"}), Status: 400, Code: "request.invalid", Field: "to_versoin"},
			{Name: "not JSON", Req: up("to_version=9.5"), Status: 400, Code: "request.invalid"},
			{Name: "wrong type", Req: up(map[string]any{"to_version": 9.5}), Status: 400, Code: "request.invalid", Field: "to_version"},
			{Name: "no such version", Req: up(map[string]any{"to_version": "9.x"}), Status: 422, Code: "license.unknown_version", Field: "to_version"},
			{Name: "older", Req: up(map[string]any{"to_version": "8.2"}), Status: 422, Code: "license.not_newer", Field: "to_version"},
			{Name: "the same", Req: up(map[string]any{"to_version": "9.0"}), Status: 422, Code: "license.not_newer", Field: "to_version"},
			{Name: "unreleased", Req: up(map[string]any{"to_version": "10.0"}), Status: 422, Code: "license.unreleased_version", Field: "to_version"},
			{Name: "a long key", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade", Token: admin,
				Header: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}}, Status: 400, Field: "Idempotency-Key"},
			{Name: "a member may not upgrade", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade", Token: e.Login("member@yunqi.demo")},
				Status: 403, Code: "role.forbidden"},
			{Name: "an engineer may not upgrade", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade", Token: e.Login("engineer@steward.demo")},
				Status: 403, Code: "role.forbidden"},
			{Name: "anonymous", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade"}, Status: 401},
			{Name: "unknown license", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_nope/upgrade", Token: admin}, Status: 404},
		})
		if st := e.Do(req{Method: "GET", Path: "/api/v1/licenses/lic_demo_cloud", Token: admin}).JSON(); st["status"] != "active" {
			t.Errorf("after refused upgrades the license is %v", st["status"])
		}
		// The agent upgrades on the customer's behalf, to a named version.
		res := e.Do(req{Method: "POST", Path: "/api/v1/licenses/lic_demo_hk/upgrade", Token: e.Login("agent@steward.demo"), Body: map[string]any{"to_version": "9.0"}})
		if res.Status != http.StatusCreated || res.JSON()["version"] != "9.0" || res.JSON()["users"] != float64(40) {
			t.Errorf("the agent's upgrade of HK to 9.0: %d %s", res.Status, res.Body)
		}
	})
}

// TestIssueAndRevoke: vendor staff issue from a contract and revoke; the
// signed revocation list grows by one sequence number per revocation and
// makes verification fail.
func TestIssueAndRevoke(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		keys := trustedKeys(t, e)
		agent := e.Login("agent@steward.demo")
		issue := func(org string, body any) req {
			return req{Method: "POST", Path: "/api/v1/orgs/" + org + "/licenses", Token: agent, Body: body}
		}
		e.Run(t, []apptest.Check{
			{Name: "another organisation's contract", Req: issue("org_demo_cloud", map[string]any{"contract_id": "ctr_demo_hk"}), Status: 422, Code: "license.contract_unknown", Field: "contract_id"},
			{Name: "no contract", Req: issue("org_demo_cloud", map[string]any{}), Status: 400, Field: "contract_id"},
			{Name: "unknown field", Req: issue("org_demo_cloud", map[string]any{"contract": "ctr_demo_cloud"}), Status: 400, Field: "contract"},
			{Name: "unknown organisation", Req: issue("org_nope", map[string]any{"contract_id": "ctr_demo_cloud"}), Status: 404},
			{Name: "a customer admin may not issue", Req: req{Method: "POST", Path: "/api/v1/orgs/org_demo_cloud/licenses", Token: e.Login("admin@yunqi.demo"),
				Body: map[string]any{"contract_id": "ctr_demo_cloud"}}, Status: 403, Code: "role.forbidden"},
			{Name: "a customer may not revoke", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/revoke", Token: e.Login("admin@yunqi.demo"),
				Body: map[string]any{"reason": "x"}}, Status: 403, Code: "role.forbidden"},
			{Name: "revoke without a reason", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/revoke", Token: agent, Body: map[string]any{"reason": "  "}},
				Status: 400, Field: "reason"},
		})
		res := e.Do(issue("org_demo_perpetual", map[string]any{"contract_id": "ctr_demo_perpetual"}))
		l := res.JSON()
		if res.Status != http.StatusCreated || l["version"] != "8.0" || l["valid_until"] != nil || l["users"] != float64(300) || l["status"] != "active" {
			t.Fatalf("issue on the perpetual contract: %d %s", res.Status, res.Body)
		}
		lic, err := licensefile.Verify(download(t, e, e.Login("member@huabei.demo"), l["id"].(string)), keys, e.Clock.Now().AddDate(20, 0, 0))
		if err != nil || !lic.Perpetual() || lic.Deployment != "private_cloud_perpetual" {
			t.Errorf("the perpetual license in twenty years: %+v %v", lic, err)
		}

		empty, err := licensefile.ParseRevocationList(e.Do(req{Method: "GET", Path: "/api/v1/licenses/revoked"}).Body, keys)
		if err != nil || empty.Sequence != 0 || len(empty.Revoked) != 0 {
			t.Fatalf("the list before any revocation: %+v %v", empty, err)
		}
		cloudFile := download(t, e, agent, "lic_demo_cloud")
		for i, id := range []string{"lic_demo_cloud", "lic_demo_sg"} {
			res := e.Do(req{Method: "POST", Path: "/api/v1/licenses/" + id + "/revoke", Token: agent, Body: map[string]any{"reason": "合同终止 contract ended"}})
			if res.Status != http.StatusOK || res.JSON()["status"] != "revoked" {
				t.Fatalf("revoke %s: %d %s", id, res.Status, res.Body)
			}
			doc := e.Do(req{Method: "GET", Path: "/api/v1/licenses/revoked"})
			rl, err := licensefile.ParseRevocationList(doc.Body, keys)
			if err != nil || rl.Sequence != int64(i+1) || len(rl.Revoked) != i+1 || doc.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("the list after %d revocations: %+v %v", i+1, rl, err)
			}
			_, err = licensefile.Verify(cloudFile, keys, e.Clock.Now(), licensefile.WithRevocations(rl))
			if !errors.Is(err, licensefile.ErrRevoked) {
				t.Errorf("a revoked license verifies with the list: %v", err)
			}
		}
		e.Run(t, []apptest.Check{{Name: "a revoked license cannot be upgraded", Req: req{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/upgrade",
			Token: e.Login("admin@yunqi.demo")}, Status: 409, Code: "license.not_active"}})

		// Demo licenses are not issued twice across restarts.
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/licenses", Token: agent}).Items()); n != 3 {
			t.Errorf("the perpetual customer has %d licenses after a restart, want its two demo ones and the one issued", n)
		}
	})
}
