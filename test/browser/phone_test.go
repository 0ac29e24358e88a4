//go:build browser

package browser

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPhonePortal opens a customer's portal on a phone-sized screen (390×844,
// like an iPhone 12–15) in both languages and checks that no page of the
// journey scrolls sideways. It keeps a screenshot of the portal home in
// /tmp/steward-phone.png (zh-CN) and /tmp/steward-phone-en.png.
func TestPhonePortal(t *testing.T) {
	s := startSite(t)
	shots := map[string]string{"zh-CN": "/tmp/steward-phone.png", "en": "/tmp/steward-phone-en.png"}
	for _, l := range langs {
		t.Run(l.tag, func(t *testing.T) {
			t.Parallel()
			p := s.newTab(t)
			run(p, "phone viewport", chromedp.EmulateViewport(390, 844,
				chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
			p.openInLang("/login", l.tag)
			noSideScroll(t, p)

			p.login("admin@yunqi.demo", demoPassword)
			if got := p.path(); got != "/portal" {
				t.Fatalf("after login the customer is on %s, want /portal", got)
			}
			noSideScroll(t, p)
			png := run(p, "screenshot", chromedp.CaptureScreenshot())
			if err := os.WriteFile(shots[l.tag], png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot of the portal home: %s", shots[l.tag])

			p.open("/portal/users")
			noSideScroll(t, p)
		})
	}
}

// noSideScroll fails when the page is wider than the screen.
func noSideScroll(t *testing.T, p *tab) {
	t.Helper()
	w := eval[[2]int](p, "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
	if w[0] > w[1] {
		t.Errorf("%s scrolls sideways on a phone: content %dpx wide, screen %dpx", p.path(), w[0], w[1])
	}
}
