//go:build browser

package browser

import (
	"strings"
	"testing"
)

// TestDeleteAndRestoreAMember is the seed's data-operation warning in the
// browser, in both languages: the customer_admin asks to delete a member, is
// shown what will be lost and must type the name; a wrong name deletes
// nothing; the right one does, and the member can be restored from the list
// of recently deleted members. The inbox in the header shows its count.
func TestDeleteAndRestoreAMember(t *testing.T) {
	s := startSite(t)
	words := map[string]struct{ lost, mismatch, deleted, recently, restored, inbox string }{
		"zh-CN": {"将无法再登录", "与成员姓名不一致", "已删除", "最近删除的成员", "已恢复", "通知"},
		"en":    {"will no longer be able to log in", "does not match the member's name", "Deleted.", "Recently deleted members", "Restored.", "Notices"},
	}
	members := map[string]struct{ admin, member, name string }{
		"zh-CN": {"admin@yunqi.demo", "member@yunqi.demo", "云启制造有限公司 成员"},
		"en":    {"admin@gangxin.demo", "member@gangxin.demo", "港新貿易有限公司 成员"},
	}
	for _, l := range langs {
		t.Run(l.tag, func(t *testing.T) {
			w, m := words[l.tag], members[l.tag]
			p := s.newTab(t)
			p.openInLang("/login", l.tag)
			p.login(m.admin, demoPassword)
			if got := p.text(`header`); !strings.Contains(got, w.inbox) {
				t.Errorf("the header has no inbox link: %q", got)
			}
			p.open("/portal/users")
			href := eval[string](p, `[...document.querySelectorAll('[data-testid="users"] tr')]
				.find(tr => tr.textContent.includes(`+"`"+m.member+"`"+`)).querySelector('a[href$="/delete"]').getAttribute('href')`)
			mustStatus(t, "the confirmation page", p.open(href), 200)
			if got := p.text(`[data-testid="impact"]`); !strings.Contains(got, w.lost) || !strings.Contains(got, "30") {
				t.Errorf("the impact says %q", got)
			}

			p.typeInto(`[data-testid="confirm-name"]`, "someone else")
			mustStatus(t, "a wrong name", p.click(`[data-testid="confirm-delete"] button[type="submit"]`), 422)
			if got := p.text(`main`); !strings.Contains(got, w.mismatch) {
				t.Errorf("after a wrong name the page says %q", got)
			}

			p.typeInto(`[data-testid="confirm-name"]`, m.name)
			mustStatus(t, "the right name", p.click(`[data-testid="confirm-delete"] button[type="submit"]`), 200)
			if got := p.text(`main`); !strings.Contains(got, w.deleted) || !strings.Contains(got, w.recently) {
				t.Fatalf("after deleting the page says %q", got)
			}
			if got := p.text(`[data-testid="users"]`); strings.Contains(got, m.member) {
				t.Errorf("the deleted member is still listed among the members")
			}

			mustStatus(t, "restore", p.click(`[data-testid="deleted-users"] button[type="submit"]`), 200)
			if got := p.text(`main`); !strings.Contains(got, w.restored) || !strings.Contains(p.text(`[data-testid="users"]`), m.member) {
				t.Errorf("after restoring the page says %q", got)
			}

			member := s.newTab(t)
			member.open("/login")
			member.login(m.member, demoPassword)
			if got := member.path(); got != "/portal" {
				t.Errorf("the restored member logs in to %s, want /portal", got)
			}
		})
	}
}
