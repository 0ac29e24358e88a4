package bench

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkEntitlements is the whole middleware chain and handler of GET
// /api/v1/orgs/{org}/entitlements for the demo public-cloud customer, its
// cache warm; BenchmarkEntitlementsEvaluate is the service call alone. The
// difference is HTTP, authentication, logging and the JSON encoding of seven
// answers with their reasons.
func BenchmarkEntitlements(b *testing.B) {
	a, token := newApp(b, nil)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/orgs/org_demo_cloud/entitlements", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("Authorization", "Bearer "+token)
	loop(b, func() {
		w := httptest.NewRecorder()
		a.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("GET entitlements: %d %s", w.Code, w.Body)
		}
	})
}

func BenchmarkEntitlementsEvaluate(b *testing.B) {
	a, _ := newApp(b, nil)
	ctx, at := b.Context(), time.Now()
	loop(b, func() {
		if _, err := a.Entitlements.Evaluate(ctx, "org_demo_cloud", at); err != nil {
			b.Fatal(err)
		}
	})
}
