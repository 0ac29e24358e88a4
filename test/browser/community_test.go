//go:build browser

package browser

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCommunityJourney is issue 8's acceptance in the browser: on a phone, in
// zh-CN, a customer searches the community for a problem the demo content
// does not cover and is told nothing was found, with an offer to ask; asking,
// the similar questions appear under the title as it is typed; a staff
// member answers on the desktop; the customer accepts the answer; and a new
// search in the customer's other words (sharing one word with the title)
// shows that question first.
func TestCommunityJourney(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	const (
		searched   = "门店会员积分"
		title      = "门店收银后会员积分没有累加"
		paraphrase = "顾客买单后积分不增加怎么办"
	)

	customer := s.phone(t, "zh-CN", "admin@yunqi.demo")
	if got := customer.text(`nav a[href="/community"]`); got != "云社区" {
		t.Errorf("the portal menu says %q for the community", got)
	}
	mustStatus(t, "community", customer.click(`nav a[href="/community"]`), 200)
	noSideScroll(t, customer)
	search := func(words string) {
		t.Helper()
		setValue(customer, `[data-testid="community-search"] input[name="q"]`, "")
		customer.typeInto(`[data-testid="community-search"] input[name="q"]`, words)
		mustStatus(t, "search "+words, customer.click(`[data-testid="community-search"] button[type="submit"]`), 200)
	}
	search(searched)
	if got := customer.text(`[data-testid="no-hits"]`); !strings.Contains(got, "没有找到与“"+searched+"”相关") {
		t.Errorf("a search that finds nothing says %q", got)
	}
	noSideScroll(t, customer)

	// Asking: the search's words are the title to start from; the similar
	// questions follow the title as it is typed, without a reload.
	mustStatus(t, "ask", customer.click(`[data-testid="no-hits"] [data-testid="ask-instead"]`), 200)
	if got := eval[string](customer, `document.querySelector('#ask-title').value`); got != searched {
		t.Errorf("the ask form starts with the title %q, want %q", got, searched)
	}
	eval[bool](customer, `window.sameDocument = true`)
	setValue(customer, `#ask-title`, "")
	customer.typeInto(`#ask-title`, title)
	customer.waitUntil("the similar box follows the title", fmt.Sprintf(`document.querySelector('#similar')?.dataset.title === %q`, title))
	if box := customer.text(`#similar`); !strings.Contains(box, "类似的问题和文章") && !strings.Contains(box, "没有找到类似的问题或文章") {
		t.Errorf("the similar box reads %q", box)
	}
	if !eval[bool](customer, `window.sameDocument === true`) {
		t.Errorf("typing the title reloaded the page")
	}
	customer.typeInto(`#ask-body`, "我们用 K3 Cloud 的零售门店收银，顾客出示会员码结账后，会员积分一直是 0。积分规则已经设置并启用了，是哪里漏了？")
	customer.typeInto(`[data-testid="ask-form"] input[name="tags"]`, "零售，会员积分")
	mustStatus(t, "post the question", customer.click(`[data-testid="ask-submit"]`), 200)
	thread := customer.path()
	if !strings.HasPrefix(thread, "/community/questions/q_") || !strings.Contains(customer.text("main"), "问题已发布") {
		t.Fatalf("after asking, %s says %q", thread, customer.text("main"))
	}
	if got := customer.text(`[data-testid="question-title"]`); got != title {
		t.Errorf("the question's page is titled %q", got)
	}
	noSideScroll(t, customer)

	// A staff member answers from the desktop, finding it among the unanswered.
	agent := s.newTab(t)
	agent.openInLang("/login", "zh-CN")
	agent.login("agent@steward.demo", demoPassword)
	mustStatus(t, "questions", agent.click(`nav a[href="/community/questions"]`), 200)
	mustStatus(t, "unanswered", agent.click(`[data-testid="sorts"] a[href="/community/questions?sort=unanswered"]`), 200)
	mustStatus(t, "the question", agent.click(fmt.Sprintf(`[data-testid="questions"] a[href=%q]`, thread)), 200)
	agent.typeInto(`#answer-body`, "积分规则要在【会员积分规则】里**分配到门店**才会生效。分配后，已经收银的单据到【积分重算】里按日期补算一次，顾客的积分就补上了。")
	mustStatus(t, "answer", agent.click(`[data-testid="answer-form"] button[type="submit"]`), 200)
	if got := agent.text(`[data-testid="answer"]`); !strings.Contains(got, "分配到门店") || !strings.Contains(got, "官方") {
		t.Errorf("the staff answer reads %q", got)
	}

	// The customer accepts it.
	mustStatus(t, "the thread again", customer.open(thread), 200)
	if got := customer.text(`[data-testid="answer"] [data-testid="staff-badge"]`); got != "官方" {
		t.Errorf("the answer's staff badge says %q", got)
	}
	mustStatus(t, "accept", customer.click(`[data-testid="answer"] [data-testid="accept"]`), 200)
	if got := customer.text(`[data-testid="accepted-badge"]`); !strings.Contains(got, "已采纳的答案") {
		t.Errorf("the accepted answer is marked %q", got)
	}
	if got := customer.text(`[data-testid="question"]`); !strings.Contains(got, "已解决") {
		t.Errorf("the question does not say it is solved: %q", got)
	}
	noSideScroll(t, customer)
	shot := "/tmp/steward-community-phone.png"
	if err := os.WriteFile(shot, run(customer, "screenshot", chromedp.FullScreenshot(100)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the answered question on a phone: %s", shot)

	// Someone searching in other words finds it first.
	mustStatus(t, "community", customer.open("/community"), 200)
	search(paraphrase)
	first := `[data-testid="community-hits"] .qa-hit:first-child h2 a`
	if got := eval[string](customer, fmt.Sprintf(`document.querySelector(%q)?.getAttribute('href') ?? ''`, first)); got != thread {
		t.Errorf("searching %q finds %q first (%q), want the answered question %s", paraphrase, got, customer.text(`[data-testid="community-hits"]`), thread)
	}
	if got := customer.text(first); got != title {
		t.Errorf("the first hit is titled %q", got)
	}
	noSideScroll(t, customer)
}
