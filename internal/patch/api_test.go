package patch_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

type req = apptest.Request

// draft creates a draft patch of k3cloud as the product manager and returns
// its id.
func draft(t *testing.T, e *apptest.Env, pm, number, applies string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"number": number, "product": "k3cloud", "type": "defect_fix",
		"title": map[string]string{"zh": "修复 " + number, "en": "Fix " + number}, "notes": map[string]string{"zh": "说明", "en": "Notes"},
		"applies_to": applies}
	for k, v := range extra {
		body[k] = v
	}
	res := e.Do(req{Method: "POST", Path: "/api/v1/patches", Token: pm, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", number, res.Status, res.Body)
	}
	return res.JSON()["id"].(string)
}

// upload puts content as a file of the patch.
func upload(t *testing.T, e *apptest.Env, pm, id, name, content string) map[string]any {
	t.Helper()
	res := e.Do(req{Method: "PUT", Path: "/api/v1/patches/" + id + "/files/" + name, Token: pm, Body: content})
	if res.Status != http.StatusOK {
		t.Fatalf("upload %s: %d %s", name, res.Status, res.Body)
	}
	return res.JSON()
}

// published creates, fills and publishes a patch and returns its id.
func published(t *testing.T, e *apptest.Env, pm, number, applies string, extra map[string]any) string {
	t.Helper()
	id := draft(t, e, pm, number, applies, extra)
	upload(t, e, pm, id, number+".zip", "content of "+number)
	if res := e.Do(req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: pm}); res.Status != http.StatusOK {
		t.Fatalf("publish %s: %d %s", number, res.Status, res.Body)
	}
	return id
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestCreateUploadPublishWithdraw(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		id := draft(t, e, pm, "PT-T-0001", " >=8.0   <8.2 ", nil)
		got := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + id, Token: pm}).JSON()
		if got["status"] != "draft" || got["applies_to"] != ">=8.0 <8.2" || len(got["files"].([]any)) != 0 {
			t.Errorf("new draft: %v", got)
		}
		// A draft is the vendor's: customers and anonymous readers do not see it.
		member := e.Login("member@huabei.demo")
		for _, token := range []string{"", member} {
			if res := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + id, Token: token}); res.Status != http.StatusNotFound {
				t.Errorf("draft for %q: %d", token, res.Status)
			}
			for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/patches?product=k3cloud", Token: token}).Items() {
				if it["id"] == id {
					t.Errorf("a draft is listed for %q", token)
				}
			}
		}

		e.Run(t, []apptest.Check{
			{Name: "publish without files", Req: req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: pm}, Status: 422, Code: "patch.no_files"},
			{Name: "customer cannot create", Req: req{Method: "POST", Path: "/api/v1/patches", Token: member, Body: "{not json"}, Status: 403, Code: "role.forbidden"},
			{Name: "agent cannot publish", Req: req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: e.Login("agent@steward.demo")}, Status: 403, Code: "role.forbidden"},
		})

		f := upload(t, e, pm, id, "fix-1.zip", "first bytes")
		if f["sha256"] != sum("first bytes") || f["size"] != float64(len("first bytes")) || f["key_id"] == "" || f["signature"] == "" || f["status"] != "available" {
			t.Errorf("uploaded file: %v", f)
		}
		// Uploading the same name again replaces the file.
		upload(t, e, pm, id, "fix-1.zip", "second bytes")
		files := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + id, Token: pm}).JSON()["files"].([]any)
		if len(files) != 1 || files[0].(map[string]any)["sha256"] != sum("second bytes") {
			t.Errorf("files after replacing: %v", files)
		}

		pub := e.Do(req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: pm, Body: map[string]any{}})
		if pub.Status != http.StatusOK || pub.JSON()["status"] != "published" || pub.JSON()["published_at"] == nil {
			t.Fatalf("publish: %d %s", pub.Status, pub.Body)
		}
		// Published patches are release notes: anyone reads them.
		if res := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + id}); res.Status != http.StatusOK {
			t.Errorf("anonymous read of a published patch: %d", res.Status)
		}
		list := e.Do(req{Method: "GET", Path: "/api/v1/patches?product=k3cloud&number=PT-T-0001"}).Items()
		if len(list) != 1 || list[0]["id"] != id || len(list[0]["files"].([]any)) != 1 {
			t.Errorf("list by number: %v", list)
		}
		e.Run(t, []apptest.Check{
			{Name: "no files after publishing", Req: req{Method: "PUT", Path: "/api/v1/patches/" + id + "/files/late.zip", Token: pm, Body: "late"}, Status: 409, Code: "patch.not_draft"},
			{Name: "notes of a published patch", Req: req{Method: "PATCH", Path: "/api/v1/patches/" + id, Token: pm,
				Body: map[string]any{"notes": map[string]string{"zh": "更正的说明", "en": "Corrected notes"}}}, Status: 200},
			{Name: "not the range of a published patch", Req: req{Method: "PATCH", Path: "/api/v1/patches/" + id, Token: pm,
				Body: map[string]any{"applies_to": ">=9.0"}}, Status: 409, Code: "patch.notes_only"},
			{Name: "withdraw needs a reason", Req: req{Method: "POST", Path: "/api/v1/patches/" + id + "/withdraw", Token: pm, Body: map[string]any{}}, Status: 400, Field: "reason"},
			{Name: "withdraw", Req: req{Method: "POST", Path: "/api/v1/patches/" + id + "/withdraw", Token: pm,
				Body: map[string]any{"reason": "breaks the ledger close"}}, Status: 200, Fields: map[string]any{"status": "withdrawn", "withdrawn_reason": "breaks the ledger close"}},
			{Name: "withdraw twice", Req: req{Method: "POST", Path: "/api/v1/patches/" + id + "/withdraw", Token: pm,
				Body: map[string]any{"reason": "again"}}, Status: 409, Code: "patch.not_published"},
			{Name: "withdrawn stays readable, marked", Req: req{Method: "GET", Path: "/api/v1/patches/" + id}, Status: 200,
				Fields: map[string]any{"status": "withdrawn"}},
		})
		if notes := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + id}).JSON()["notes"].(map[string]any); notes["en"] != "Corrected notes" {
			t.Errorf("notes after the edit: %v", notes)
		}

		// Every change is in the audit trail.
		admin := e.Login("admin@steward.demo")
		var actions []string
		for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/audit?target=" + id, Token: admin}).Items() {
			actions = append(actions, it["action"].(string))
		}
		for _, want := range []string{"patch.create", "patch.file_put", "patch.publish", "patch.update", "patch.withdraw"} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("audit trail of the patch %v lacks %s", actions, want)
			}
		}
	})
}
