package patch_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
)

// beijing is an instant given as a Beijing wall-clock time.
func beijing(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t.Add(-8 * time.Hour)
}

func stats(t *testing.T, e *apptest.Env, id string) map[string]float64 {
	t.Helper()
	if err := e.App.Patches.Downloads.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	res := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + id + "/stats", Token: e.Login("engineer@steward.demo")})
	if res.Status != http.StatusOK {
		t.Fatalf("stats: %d %s", res.Status, res.Body)
	}
	out := map[string]float64{}
	for _, it := range res.Items() {
		out[it["org_id"].(string)] += it["count"].(float64)
	}
	return out
}

func TestDownloads(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		const content = "0123456789 patch bytes"
		id := draft(t, e, pm, "PT-T-0100", ">=7.5", nil)
		f := upload(t, e, pm, id, "fix.zip", content)
		path := "/api/v1/patches/" + id + "/files/fix.zip"
		vendor := e.Login("engineer@steward.demo")
		if res := e.Do(req{Method: "GET", Path: path, Token: vendor}); res.Status != 200 || string(res.Body) != content {
			t.Errorf("vendor staff download a draft's file: %d", res.Status)
		}
		member := e.Login("member@huabei.demo") // org_demo_perpetual: 8.0 until 2026-12-31, and 7.5
		if res := e.Do(req{Method: "GET", Path: path, Token: member}); res.Status != http.StatusNotFound {
			t.Errorf("a customer downloads a draft's file: %d", res.Status)
		}
		e.Do(req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: pm})

		digest := sha256.Sum256([]byte(content))
		etag := `"sha256:` + sum(content) + `"`
		e.Run(t, []apptest.Check{
			{Name: "without credentials", Req: req{Method: "GET", Path: path}, Status: 401, Code: "auth.required"},
			{Name: "entitled customer", Req: req{Method: "GET", Path: path, Token: member}, Status: 200, Header: map[string]string{
				"ETag": etag, "Repr-Digest": "sha-256=:" + base64.StdEncoding.EncodeToString(digest[:]) + ":",
				"X-Steward-Signature": f["signature"].(string), "X-Steward-Key-Id": f["key_id"].(string),
				"Content-Disposition": `attachment; filename="fix.zip"; filename*=UTF-8''fix.zip`, "X-Content-Type-Options": "nosniff",
				"Accept-Ranges": "bytes", "Last-Modified": "*", "Content-Length": "22"}},
			{Name: "from byte 0", Req: req{Method: "GET", Path: path, Token: member, Header: map[string]string{"Range": "bytes=0-3"}}, Status: 206,
				Header: map[string]string{"Content-Range": "bytes 0-3/22"}},
			{Name: "resumed", Req: req{Method: "GET", Path: path, Token: member, Header: map[string]string{"Range": "bytes=11-"}}, Status: 206,
				Header: map[string]string{"Content-Range": "bytes 11-21/22"}},
			{Name: "resumed if unchanged", Req: req{Method: "GET", Path: path, Token: member, Header: map[string]string{"Range": "bytes=11-", "If-Range": etag}}, Status: 206},
			{Name: "changed since: whole file", Req: req{Method: "GET", Path: path, Token: member, Header: map[string]string{"Range": "bytes=11-", "If-Range": `"sha256:00"`}}, Status: 200},
			{Name: "beyond the end", Req: req{Method: "GET", Path: path, Token: member, Header: map[string]string{"Range": "bytes=22-"}}, Status: 416,
				Header: map[string]string{"Content-Range": "bytes */22"}},
			{Name: "HEAD", Req: req{Method: "HEAD", Path: path, Token: member}, Status: 200, Header: map[string]string{"Content-Length": "22", "ETag": etag}},
			{Name: "not modified", Req: req{Method: "GET", Path: path, Token: member, Header: map[string]string{"If-None-Match": etag}}, Status: 304},
			{Name: "no such file", Req: req{Method: "GET", Path: "/api/v1/patches/" + id + "/files/other.zip", Token: member}, Status: 404},
			{Name: "region not served", Req: req{Method: "GET", Path: path, Token: e.Login("member@lioncity.demo")}, Status: 403, Code: "entitlement.region"},
		})
		if res := e.Do(req{Method: "GET", Path: path, Token: member, Header: map[string]string{"Range": "bytes=11-"}}); string(res.Body) != content[11:] {
			t.Errorf("resumed body %q", res.Body)
		}
		// Counted: the whole GET, the range from 0, the whole file after a
		// changed If-Range; not the resumptions, HEAD, 304, 416 or staff's.
		if got := stats(t, e, id); got["org_demo_perpetual"] != 3 || len(got) != 1 {
			t.Errorf("download counts %v, want 3 for org_demo_perpetual", got)
		}

		// The perpetual customer's 8.0 leaves standard service after
		// 2026-12-31 (Beijing); its older 7.5 contract left in 2024. From
		// then on it is refused with the entitlement's reason.
		e.Clock.Set(beijing("2027-01-01 00:00"))
		member, vendor = e.Login("member@huabei.demo"), e.Login("engineer@steward.demo") // the sessions of a month ago ended
		e.Run(t, []apptest.Check{
			{Name: "after the end of standard service", Req: req{Method: "GET", Path: path, Token: member}, Status: 403, Code: "entitlement.expired"},
			{Name: "staff still", Req: req{Method: "GET", Path: path, Token: vendor}, Status: 200},
		})

		e.Do(req{Method: "POST", Path: "/api/v1/patches/" + id + "/withdraw", Token: e.Login("pm@steward.demo"), Body: map[string]any{"reason": "superseded by PT-T-0101"}})
		res := e.Do(req{Method: "GET", Path: path, Token: vendor})
		if res.Status != http.StatusGone || res.JSON()["code"] != "patch.withdrawn" || !strings.Contains(res.JSON()["detail"].(string), "superseded by PT-T-0101") {
			t.Errorf("withdrawn: %d %s", res.Status, res.Body)
		}
	})
}

func TestSignedLinks(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		const content = "bytes for download managers"
		id := draft(t, e, pm, "PT-T-0200", ">=8.0", nil)
		upload(t, e, pm, id, "big.bin", content)
		e.Do(req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: pm})
		filePath := "/api/v1/patches/" + id + "/files/big.bin"
		e.Clock.Set(beijing("2026-12-31 20:00"))
		member := e.Login("member@huabei.demo")
		res := e.Do(req{Method: "POST", Path: filePath + "/link", Token: member, Body: map[string]any{"ttl_seconds": 3600}})
		if res.Status != http.StatusCreated {
			t.Fatalf("link: %d %s", res.Status, res.Body)
		}
		link := res.JSON()
		u, err := url.Parse(link["url"].(string))
		if err != nil || u.Host == "" || u.Path != filePath {
			t.Fatalf("link url %v", link["url"])
		}
		if exp, _ := time.Parse(time.RFC3339, link["expires_at"].(string)); !exp.Equal(beijing("2026-12-31 21:00")) {
			t.Errorf("expires_at %v", link["expires_at"])
		}
		q := u.Query()
		tamper := func(k, v string) string {
			c := url.Values{}
			for key, vs := range q {
				c[key] = vs
			}
			c.Set(k, v)
			return u.Path + "?" + c.Encode()
		}
		sig := q.Get("sig")
		flipped := string(rune(sig[0]^1)) + sig[1:]
		e.Run(t, []apptest.Check{
			{Name: "link without a token", Req: req{Method: "GET", Path: u.RequestURI()}, Status: 200},
			{Name: "ranged, as aria2c -x4 does", Req: req{Method: "GET", Path: u.RequestURI(), Header: map[string]string{"Range": "bytes=7-13"}}, Status: 206,
				Header: map[string]string{"Content-Range": "bytes 7-13/27"}},
			{Name: "changed signature", Req: req{Method: "GET", Path: tamper("sig", flipped)}, Status: 403, Code: "patch.link_invalid"},
			{Name: "changed expiry", Req: req{Method: "GET", Path: tamper("expires", "4102444800")}, Status: 403, Code: "patch.link_invalid"},
			{Name: "another organisation", Req: req{Method: "GET", Path: tamper("org", "org_demo_cloud")}, Status: 403, Code: "patch.link_invalid"},
			{Name: "vendor's instead", Req: req{Method: "GET", Path: tamper("org", "")}, Status: 403, Code: "patch.link_invalid"},
			{Name: "a parameter added", Req: req{Method: "GET", Path: tamper("x", "1")}, Status: 403, Code: "patch.link_invalid"},
			{Name: "another file", Req: req{Method: "GET", Path: strings.Replace(u.RequestURI(), "big.bin", "big.bin2", 1)}, Status: 403, Code: "patch.link_invalid"},
			{Name: "ttl over a day", Req: req{Method: "POST", Path: filePath + "/link", Token: member, Body: map[string]any{"ttl_seconds": 86401}}, Status: 400, Field: "ttl_seconds"},
			{Name: "no link without access", Req: req{Method: "POST", Path: filePath + "/link", Token: e.Login("member@lioncity.demo")}, Status: 403, Code: "entitlement.region"},
			{Name: "no link anonymously", Req: req{Method: "POST", Path: filePath + "/link"}, Status: 401},
		})
		if res := e.Do(req{Method: "GET", Path: u.RequestURI(), Header: map[string]string{"Range": "bytes=7-13"}}); string(res.Body) != content[7:14] {
			t.Errorf("ranged body %q", res.Body)
		}
		// The link's organisation is counted, once per download from byte 0.
		if got := stats(t, e, id); got["org_demo_perpetual"] != 1 {
			t.Errorf("counts %v", got)
		}

		// Still within the hour, but the customer's entitlement has ended:
		// checked again on every use.
		e.Clock.Set(beijing("2027-01-01 00:30"))
		defaultLink := e.Do(req{Method: "POST", Path: filePath + "/link", Token: e.Login("agent@steward.demo")}).JSON()
		e.Clock.Set(beijing("2026-12-31 20:30"))
		e.Run(t, []apptest.Check{{Name: "before the end", Req: req{Method: "GET", Path: u.RequestURI()}, Status: 200}})
		e.Clock.Set(beijing("2027-01-01 00:30"))
		e.Run(t, []apptest.Check{{Name: "entitlement ended", Req: req{Method: "GET", Path: u.RequestURI()}, Status: 403}})
		e.Clock.Set(beijing("2027-01-01 01:00"))
		res = e.Do(req{Method: "GET", Path: u.RequestURI()})
		if res.Status != http.StatusForbidden || res.JSON()["code"] != "patch.link_expired" {
			t.Errorf("expired link: %d %s", res.Status, res.Body)
		}
		// Staff's links default to 24 hours.
		if exp, _ := time.Parse(time.RFC3339, defaultLink["expires_at"].(string)); !exp.Equal(beijing("2027-01-02 00:30")) {
			t.Errorf("default expiry %v", defaultLink)
		}
		staffURL, _ := url.Parse(defaultLink["url"].(string))
		if res := e.Do(req{Method: "GET", Path: staffURL.RequestURI()}); res.Status != http.StatusOK {
			t.Errorf("staff's link: %d %s", res.Status, res.Body)
		}
	})
}
