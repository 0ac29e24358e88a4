package app

import (
	"context"
	"net/http"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/signing"
	"steward.dev/steward/internal/platform/web"
)

// buildKeys loads the vendor's signing keys (generating the first on first
// start) and serves the public ones, which anyone may read to verify patch
// files and licenses offline, and their rotation and retirement by a
// vendor_admin.
func (a *App) buildKeys(rec *audit.Recorder, rt *web.Router) error {
	keys, err := signing.Load(context.Background(), a.DB, rec, a.Config.Clock)
	if err != nil {
		return err
	}
	a.Keys = keys
	rt.API("GET /api/v1/keys", func(w http.ResponseWriter, r *http.Request) error {
		return web.JSON(w, http.StatusOK, map[string]any{"items": keys.Public()})
	})
	rt.API("POST /api/v1/keys/rotate", web.Authed(func(w http.ResponseWriter, r *http.Request, ac *actor.Actor) error {
		if err := decodeKeyAction(r, ac); err != nil {
			return err
		}
		k, err := keys.Rotate(r.Context(), ac)
		if err != nil {
			return err
		}
		return web.Created(w, "/api/v1/keys", k)
	}))
	rt.API("POST /api/v1/keys/{id}/retire", web.Authed(func(w http.ResponseWriter, r *http.Request, ac *actor.Actor) error {
		if err := decodeKeyAction(r, ac); err != nil {
			return err
		}
		k, err := keys.Retire(r.Context(), ac, r.PathValue("id"))
		return web.Respond(w, http.StatusOK, k, err)
	}))
	return nil
}

// decodeKeyAction reads the empty (or {}) body of a key action once the
// actor may manage keys: authorisation comes before validation.
func decodeKeyAction(r *http.Request, ac *actor.Actor) error {
	if !ac.Can(actor.ManageSigningKeys) {
		return problem.ErrForbidden
	}
	return web.Decode(r, &struct{}{})
}
