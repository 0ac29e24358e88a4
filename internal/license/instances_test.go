package license_test

import (
	"net/http"
	"sync"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/pkg/licensefile"
)

// TestRevocationsOnTwoInstances revokes six licenses at once through two
// app instances on one database: the list ends at sequence 6 with all six,
// whichever instance serves it.
func TestRevocationsOnTwoInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		agent := one.Login("agent@steward.demo")
		var ids []string
		for range 6 {
			res := one.Do(req{Method: "POST", Path: "/api/v1/orgs/org_demo_sg/licenses", Token: agent, Body: `{"contract_id":"ctr_demo_sg"}`})
			if res.Status != http.StatusCreated {
				t.Fatalf("issue: %d %s", res.Status, res.Body)
			}
			ids = append(ids, res.JSON()["id"].(string))
		}
		var wg sync.WaitGroup
		statuses := make([]int, len(ids))
		for i, id := range ids {
			e := []*apptest.Env{one, other}[i%2]
			wg.Go(func() {
				statuses[i] = e.Do(req{Method: "POST", Path: "/api/v1/licenses/" + id + "/revoke", Token: agent, Body: `{"reason":"duplicate"}`}).Status
			})
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusOK {
				t.Errorf("revoke %s: %d", ids[i], s)
			}
		}
		keys := trustedKeys(t, one)
		for _, e := range []*apptest.Env{one, other} {
			rl, err := licensefile.ParseRevocationList(e.Do(req{Method: "GET", Path: "/api/v1/licenses/revoked"}).Body, keys)
			if err != nil || rl.Sequence != 6 || len(rl.Revoked) != 6 {
				t.Errorf("the list after six revocations on two instances: %+v %v", rl, err)
			}
		}
	})
}
