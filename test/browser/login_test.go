//go:build browser

package browser

import (
	"strings"
	"testing"
)

const demoPassword = "steward-demo-2026"

// texts are the words a person reads, per language (see
// internal/platform/i18n/messages/*/pages.json and errors.json).
type texts struct {
	loginTitle    string
	portalWelcome string
	consoleHello  string
	roles         map[string]string
	badLogin      string
	forbidden     string
}

var langs = []struct {
	tag string // <html lang> and the switch's value
	texts
}{
	{"zh-CN", texts{
		loginTitle:    "登录",
		portalWelcome: "欢迎",
		consoleHello:  "您好",
		roles: map[string]string{
			"vendor_admin": "厂商管理员", "agent": "客服专员",
			"customer_admin": "客户管理员", "customer_member": "客户成员",
		},
		badLogin:  "邮箱或密码不正确",
		forbidden: "没有权限",
	}},
	{"en", texts{
		loginTitle:    "Log in",
		portalWelcome: "Welcome",
		consoleHello:  "Hello",
		roles: map[string]string{
			"vendor_admin": "Vendor admin", "agent": "Agent",
			"customer_admin": "Customer admin", "customer_member": "Customer member",
		},
		badLogin:  "The email or password is not correct",
		forbidden: "Not allowed",
	}},
}

// demoUsers are the demo accounts of internal/app/demo.go, one per role.
var demoUsers = []struct {
	role, email, name string
	home              string // where the login lands
}{
	{"vendor_admin", "admin@steward.demo", "演示管理员", "/console"},
	{"agent", "agent@steward.demo", "客服专员 李娜", "/console"},
	{"customer_admin", "admin@yunqi.demo", "云启制造有限公司 管理员", "/portal"},
	{"customer_member", "member@yunqi.demo", "云启制造有限公司 成员", "/portal"},
}

// TestLoginEveryRoleInBothLanguages logs every demo role in and out in zh-CN
// and in English. Each time the browser is set up in the other language and
// the person picks theirs with the header's switch on the login page; the
// choice holds after login and after logout.
func TestLoginEveryRoleInBothLanguages(t *testing.T) {
	s := startSite(t)
	for _, l := range langs {
		for _, u := range demoUsers {
			t.Run(l.tag+"/"+u.role, func(t *testing.T) {
				t.Parallel()
				p := s.newTab(t)
				mustStatus(t, "login page", p.openInLang("/login", l.tag), 200)
				if got := p.text("h1"); got != l.loginTitle {
					t.Errorf("login heading %q, want %q", got, l.loginTitle)
				}

				p.login(u.email, demoPassword)
				if got := p.path(); got != u.home {
					t.Fatalf("after login the browser is on %s, want %s", got, u.home)
				}
				if got := p.lang(); got != l.tag {
					t.Errorf("after login the page is in %q, want %q", got, l.tag)
				}
				welcome := l.portalWelcome
				if u.home == "/console" {
					welcome = l.consoleHello
				}
				heading := p.text(`[data-testid="home-heading"]`)
				if !strings.Contains(heading, welcome) || !strings.Contains(heading, u.name) {
					t.Errorf("home heading %q, want %q and the name %q", heading, welcome, u.name)
				}
				who := p.text(`[data-testid="who"]`)
				if !strings.HasSuffix(who, l.roles[u.role]) || !strings.Contains(who, u.name) {
					t.Errorf("header shows %q, want the name %q and the role %q", who, u.name, l.roles[u.role])
				}

				p.click(`form[action="/logout"] button`)
				if got := p.path(); got != "/login" {
					t.Fatalf("after logout the browser is on %s, want /login", got)
				}
				if got := p.text("h1"); got != l.loginTitle {
					t.Errorf("after logout the heading is %q, want %q", got, l.loginTitle)
				}
				if p.has(`[data-testid="who"]`) {
					t.Errorf("after logout the header still shows who is logged in")
				}
				// The session is gone: the home page asks to log in again.
				p.open(u.home)
				if got := p.path(); got != "/login" {
					t.Errorf("%s after logout shows %s, want /login", u.home, got)
				}
			})
		}
	}
}

// TestLoginRefusedAndForbidden checks that a wrong password is refused with a
// message in the page's language, and that a customer member gets the
// localized 403 page for the member management page.
func TestLoginRefusedAndForbidden(t *testing.T) {
	s := startSite(t)
	for _, l := range langs {
		t.Run(l.tag+"/wrong_password", func(t *testing.T) {
			t.Parallel()
			p := s.newTab(t)
			p.openInLang("/login", l.tag)
			resp := p.login("admin@yunqi.demo", "not-the-password-2026")
			if resp == nil || resp.Status < 400 {
				t.Errorf("wrong password answered %v, want a 4xx status", resp)
			}
			if got := p.path(); got != "/login" {
				t.Fatalf("after a wrong password the browser is on %s, want /login", got)
			}
			if got := p.text(`[role="alert"]`); !strings.Contains(got, l.badLogin) {
				t.Errorf("error message %q, want %q", got, l.badLogin)
			}
			if got := p.lang(); got != l.tag {
				t.Errorf("the refused login page is in %q, want %q", got, l.tag)
			}
			if p.has(`[data-testid="who"]`) {
				t.Errorf("the header shows a logged-in person after a wrong password")
			}
			p.open("/portal")
			if got := p.path(); got != "/login" {
				t.Errorf("/portal after a wrong password shows %s, want /login", got)
			}
		})

		t.Run(l.tag+"/member_forbidden", func(t *testing.T) {
			t.Parallel()
			p := s.newTab(t)
			p.openInLang("/login", l.tag)
			p.login("member@yunqi.demo", demoPassword)
			if got := p.path(); got != "/portal" {
				t.Fatalf("after login the member is on %s, want /portal", got)
			}
			mustStatus(t, "/portal/users for a member", p.open("/portal/users"), 403)
			if got := p.text(`[data-testid="error"] h1`); got != l.forbidden {
				t.Errorf("403 page heading %q, want %q", got, l.forbidden)
			}
			if got := p.text(`[data-testid="error"] .status`); got != "403" {
				t.Errorf("403 page shows status %q", got)
			}
			if got := p.lang(); got != l.tag {
				t.Errorf("the 403 page is in %q, want %q", got, l.tag)
			}
		})
	}
}
