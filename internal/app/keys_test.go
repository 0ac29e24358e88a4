package app_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/signing"
)

func TestSigningKeysAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		keys := func() []map[string]any {
			res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/keys"})
			if res.Status != http.StatusOK {
				t.Fatalf("GET /api/v1/keys without login: %d %s", res.Status, res.Body)
			}
			return res.Items()
		}
		first := keys()
		if len(first) != 1 || first[0]["algorithm"] != "ed25519" || first[0]["retired_at"] != nil {
			t.Fatalf("keys of a fresh install: %v", first)
		}
		oldID := first[0]["id"].(string)
		if oldID != e.App.Keys.Public()[0].ID {
			t.Fatalf("the API lists %s, the app signs with %s", oldID, e.App.Keys.Public()[0].ID)
		}

		admin := e.Login("admin@steward.demo")
		e.Run(t, []apptest.Check{
			{Name: "rotate without login", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/rotate"}, Status: 401, Code: "auth.required"},
			{Name: "a customer_admin rotates", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/rotate", Token: e.Login("admin@yunqi.demo")}, Status: 403, Code: "role.forbidden"},
			{Name: "an agent rotates", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/rotate", Token: e.Login("agent@steward.demo"), Body: map[string]any{}}, Status: 403, Code: "role.forbidden"},
			{Name: "a product_manager retires", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/" + oldID + "/retire", Token: e.Login("pm@steward.demo")}, Status: 403, Code: "role.forbidden"},
			{Name: "rotate with a body", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/rotate", Token: admin, Body: map[string]any{"algorithm": "rsa"}}, Status: 400, Code: "request.invalid", Field: "algorithm"},
			{Name: "retire the key that signs", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/" + oldID + "/retire", Token: admin}, Status: 409, Code: "signing.retire_current"},
		})
		if got := keys(); len(got) != 1 {
			t.Fatalf("refused requests changed the keys: %v", got)
		}

		sigBefore, _ := e.App.Keys.Sign(signing.FileStatement("00", 1))
		res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/keys/rotate", Token: admin, Body: map[string]any{}})
		if res.Status != http.StatusCreated || res.Header.Get("Location") != "/api/v1/keys" {
			t.Fatalf("rotate: %d %v %s", res.Status, res.Header, res.Body)
		}
		newID := res.JSON()["id"].(string)
		if _, id := e.App.Keys.Sign(nil); id != newID || newID == oldID {
			t.Fatalf("after rotation the app signs with %s, want the new %s", id, newID)
		}
		if got := keys(); len(got) != 2 || got[0]["id"] != newID || got[1]["id"] != oldID {
			t.Fatalf("keys after rotation: %v, want the new one, then the old", got)
		}

		e.Run(t, []apptest.Check{
			{Name: "retire an unknown key", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/sk_0000000000000000/retire", Token: admin}, Status: 404, Code: "not_found"},
			{Name: "retire the old key", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/" + oldID + "/retire", Token: admin}, Status: 200,
				Fields: map[string]any{"id": oldID, "retired_at": apptest.Start.Format("2006-01-02T15:04:05Z")}},
			{Name: "retire it again", Req: apptest.Request{Method: "POST", Path: "/api/v1/keys/" + oldID + "/retire", Token: admin, Header: map[string]string{"Accept-Language": "en"}}, Status: 409, Code: "signing.already_retired"},
		})

		// Anyone verifying with the published keys now refuses the old key.
		var published struct{ Items []signing.PublicKey }
		if err := json.Unmarshal(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/keys"}).Body, &published); err != nil {
			t.Fatal(err)
		}
		if err := signing.Verify(published.Items, oldID, signing.FileStatement("00", 1), sigBefore); !errors.Is(err, signing.ErrRetiredKey) {
			t.Fatalf("a signature by the retired key, checked against GET /api/v1/keys: %v, want ErrRetiredKey", err)
		}
		sigAfter, _ := e.App.Keys.Sign(signing.FileStatement("00", 1))
		if err := signing.Verify(published.Items, newID, signing.FileStatement("00", 1), sigAfter); err != nil {
			t.Fatalf("a signature by the new key, checked against GET /api/v1/keys: %v", err)
		}
	})
}
