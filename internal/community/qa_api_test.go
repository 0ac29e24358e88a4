package community_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/search"
)

// mustCreate sends req and returns the created object, failing unless 201.
func mustCreate(t *testing.T, e *apptest.Env, r req) map[string]any {
	t.Helper()
	res := e.Do(r)
	if res.Status != http.StatusCreated {
		t.Fatalf("%s %s: %d %s", r.Method, r.Path, res.Status, res.Body)
	}
	return res.JSON()
}

// thread reads a question's page data as token sees it.
func thread(t *testing.T, e *apptest.Env, token, questionID string) (question map[string]any, answers []map[string]any) {
	t.Helper()
	res := e.Do(req{Method: "GET", Path: "/api/v1/questions/" + questionID, Token: token})
	if res.Status != http.StatusOK {
		t.Fatalf("read question %s: %d %s", questionID, res.Status, res.Body)
	}
	body := res.JSON()
	for _, a := range body["answers"].([]any) {
		answers = append(answers, a.(map[string]any))
	}
	return body["question"].(map[string]any), answers
}

func TestQuestionJourneyAskAnswerAcceptVoteModerate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		asker, other, otherMember := e.Login("member@yunqi.demo"), e.Login("admin@gangxin.demo"), e.Login("member@gangxin.demo")
		agent, engineer := e.Login("agent@steward.demo"), e.Login("engineer@steward.demo")
		e.Run(t, []apptest.Check{
			{Name: "anonymous may not ask", Req: req{Method: "POST", Path: "/api/v1/questions", Body: map[string]any{}}, Status: http.StatusUnauthorized},
			{Name: "title too short", Req: req{Method: "POST", Path: "/api/v1/questions", Token: asker,
				Body: map[string]any{"title": "凭证", "body": "正文"}}, Status: http.StatusBadRequest, Field: "title"},
			{Name: "empty body", Req: req{Method: "POST", Path: "/api/v1/questions", Token: asker,
				Body: map[string]any{"title": "凭证怎么反审核", "body": "  "}}, Status: http.StatusBadRequest, Field: "body"},
			{Name: "too many tags", Req: req{Method: "POST", Path: "/api/v1/questions", Token: asker,
				Body: map[string]any{"title": "凭证怎么反审核", "body": "正文", "tags": []string{"a", "b", "c", "d", "e", "f"}}}, Status: http.StatusBadRequest, Field: "tags"},
			{Name: "unknown field", Req: req{Method: "POST", Path: "/api/v1/questions", Token: asker,
				Body: map[string]any{"title": "凭证怎么反审核", "body": "正文", "org_id": "x"}}, Status: http.StatusBadRequest, Field: "org_id"},
			{Name: "bad sort", Req: req{Method: "GET", Path: "/api/v1/questions?sort=best"}, Status: http.StatusBadRequest, Field: "sort"},
			{Name: "unknown question", Req: req{Method: "GET", Path: "/api/v1/questions/q_nope"}, Status: http.StatusNotFound},
		})

		res := e.Do(req{Method: "POST", Path: "/api/v1/questions", Token: asker, Body: map[string]any{
			"title": "月末结转损益时提示“存在未过账凭证”怎么办", "body": "结转损益那一步报错，说**有凭证没过账**。可我已经全部审核了。",
			"product": "k3cloud", "tags": []string{"月末未过账", " 结转损益 ", "月末未过账"}}})
		if res.Status != http.StatusCreated || res.Header.Get("Location") == "" {
			t.Fatalf("ask: %d %s", res.Status, res.Body)
		}
		q := res.JSON()
		qid := q["id"].(string)
		if !strings.HasPrefix(qid, "q_") || q["url"] != "/community/questions/"+qid || !strings.Contains(q["html"].(string), "<strong>有凭证没过账</strong>") {
			t.Errorf("asked question: %v", q)
		}
		if tags := q["tags"].([]any); len(tags) != 2 || tags[1] != "结转损益" {
			t.Errorf("tags not cleaned: %v", tags)
		}
		author := q["author"].(map[string]any)
		if author["staff"] != false || author["name"] == "" || strings.Contains(string(res.Body), "yunqi.demo") || strings.Contains(string(res.Body), "org_demo") {
			t.Errorf("the author is shown with e-mail or organisation, or without a name: %s", res.Body)
		}

		// Read by anyone, listed by tag and product.
		if question, _ := thread(t, e, "", qid); question["title"] != "月末结转损益时提示“存在未过账凭证”怎么办" {
			t.Errorf("anonymous read: %v", question)
		}
		if items := e.Do(req{Method: "GET", Path: "/api/v1/questions?tag=" + url.QueryEscape("月末未过账") + "&product=k3cloud"}).Items(); len(items) != 1 || items[0]["id"] != qid {
			t.Errorf("list by tag and product: %v", items)
		}
		if items := e.Do(req{Method: "GET", Path: "/api/v1/questions?sort=unanswered&limit=200"}).Items(); !contains(idsOf(items), qid) {
			t.Errorf("an unanswered question is not listed as unanswered")
		}

		// A staff answer and a customer's answer; the asker is told of each.
		staff := mustCreate(t, e, req{Method: "POST", Path: "/api/v1/questions/" + qid + "/answers", Token: agent,
			Body: map[string]any{"body": "先在凭证查询里筛选“未过账”，把当期凭证全部过账；若仍报错，检查是否有暂存的凭证被遗漏。"}})
		peer := mustCreate(t, e, req{Method: "POST", Path: "/api/v1/questions/" + qid + "/answers", Token: other,
			Body: map[string]any{"body": "我们遇到过，是一张暂存凭证没提交。"}})
		if staff["author"].(map[string]any)["staff"] != true || peer["author"].(map[string]any)["staff"] != false {
			t.Errorf("staff badge: staff %v, peer %v", staff["author"], peer["author"])
		}
		notices := e.Do(req{Method: "GET", Path: "/api/v1/notices", Token: asker}).Items()
		told := 0
		for _, n := range notices {
			if strings.Contains(n["link"].(string), qid) {
				told++
			}
		}
		if told != 2 {
			t.Errorf("the asker has %d notices of the 2 answers: %v", told, notices)
		}
		var mails int
		if err := e.App.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM notify_deliveries WHERE kind = 'community.answered' AND recipient = ?`,
			"member@yunqi.demo").Scan(&mails); err != nil || mails != 2 {
			t.Errorf("e-mails to the asker: %d %v", mails, err)
		}

		// Accepting: another customer may not; the asker may, and may move it.
		staffID, peerID := staff["id"].(string), peer["id"].(string)
		_, answers := thread(t, e, "", qid)
		reputation := answers[0]["author"].(map[string]any)["reputation"].(float64) // the agent's, from the demo answers
		e.Run(t, []apptest.Check{
			{Name: "another customer accepts", Req: req{Method: "POST", Path: "/api/v1/answers/" + staffID + "/accept", Token: otherMember}, Status: http.StatusForbidden, Code: "role.forbidden"},
			{Name: "a question is not an answer", Req: req{Method: "POST", Path: "/api/v1/answers/" + qid + "/accept", Token: asker}, Status: http.StatusNotFound},
			{Name: "asker accepts the peer's", Req: req{Method: "POST", Path: "/api/v1/answers/" + peerID + "/accept", Token: asker, Body: "{}"}, Status: http.StatusOK},
			{Name: "asker moves it to the staff answer", Req: req{Method: "POST", Path: "/api/v1/answers/" + staffID + "/accept", Token: asker}, Status: http.StatusOK},
		})
		acceptedNotice := false
		for _, n := range e.Do(req{Method: "GET", Path: "/api/v1/notices", Token: agent}).Items() {
			acceptedNotice = acceptedNotice || n["link"] == "/community/questions/"+qid+"#"+staffID
		}
		if !acceptedNotice {
			t.Errorf("the answerer is not told their answer was accepted")
		}
		question, answers := thread(t, e, "", qid)
		if question["accepted_answer_id"] != staffID || len(answers) != 2 || answers[0]["id"] != staffID || answers[0]["accepted"] != true || answers[1]["accepted"] != false {
			t.Errorf("after moving the acceptance: %v %v", question["accepted_answer_id"], answers)
		}

		// Votes: once per person, switching, withdrawing; never on one's own post.
		vote := func(token string, value any) apptest.Response {
			return e.Do(req{Method: "POST", Path: "/api/v1/posts/" + staffID + "/vote", Token: token, Body: map[string]any{"value": value}})
		}
		for range 2 {
			if v := vote(otherMember, 1).JSON(); v["votes"] != float64(1) || v["my_vote"] != float64(1) {
				t.Errorf("upvote: %v", v)
			}
		}
		vote(asker, 1)
		if v := vote(otherMember, -1).JSON(); v["votes"] != float64(0) {
			t.Errorf("switched vote: %v", v)
		}
		if v := e.Do(req{Method: "DELETE", Path: "/api/v1/posts/" + staffID + "/vote", Token: otherMember}).JSON(); v["votes"] != float64(1) || v["my_vote"] != float64(0) {
			t.Errorf("withdrawn vote: %v", v)
		}
		e.Run(t, []apptest.Check{
			{Name: "vote of 2", Req: req{Method: "POST", Path: "/api/v1/posts/" + staffID + "/vote", Token: other, Body: map[string]any{"value": 2}}, Status: http.StatusBadRequest, Field: "value"},
			{Name: "vote without a value", Req: req{Method: "POST", Path: "/api/v1/posts/" + staffID + "/vote", Token: other, Body: map[string]any{}}, Status: http.StatusBadRequest, Field: "value"},
			{Name: "own post", Req: req{Method: "POST", Path: "/api/v1/posts/" + staffID + "/vote", Token: agent, Body: map[string]any{"value": 1}}, Status: http.StatusConflict, Code: "state.conflict"},
			{Name: "anonymous vote", Req: req{Method: "POST", Path: "/api/v1/posts/" + staffID + "/vote", Body: map[string]any{"value": 1}}, Status: http.StatusUnauthorized},
		})
		_, answers = thread(t, e, asker, qid)
		if a := answers[0]; a["votes"] != float64(1) || a["my_vote"] != float64(1) || a["author"].(map[string]any)["reputation"] != reputation+15+10 {
			t.Errorf("the accepted answer after the votes, as the asker sees it: %v", a)
		}

		// Search finds the question by words of its accepted answer.
		if ids := searchIDs(e, url.QueryEscape("暂存的凭证被遗漏")); !contains(ids, qid) {
			t.Errorf("search by the accepted answer's words: %v", ids)
		}
		// The rebuild's documents are the live ones: the accepted answer in, boosted.
		var doc search.Doc
		if err := e.App.Community.QuestionDocs(context.Background(), func(d search.Doc) error {
			if d.ID == qid {
				doc = d
			}
			return nil
		}); err != nil || doc.Boost != 1.5 || !strings.Contains(doc.Body, "暂存的凭证被遗漏") || strings.Contains(doc.Body, "**") ||
			doc.URL != "/community/questions/"+qid || doc.Type != community.QuestionDoc {
			t.Errorf("the question's document for a rebuild: %+v %v", doc, err)
		}

		// Comments, edits with history.
		c := mustCreate(t, e, req{Method: "POST", Path: "/api/v1/posts/" + staffID + "/comments", Token: asker, Body: map[string]any{"body": "谢谢，找到了！"}})
		e.Run(t, []apptest.Check{
			{Name: "comment on a comment", Req: req{Method: "POST", Path: "/api/v1/posts/" + c["id"].(string) + "/comments", Token: other, Body: map[string]any{"body": "+1"}}, Status: http.StatusConflict},
			{Name: "someone else edits", Req: req{Method: "PATCH", Path: "/api/v1/posts/" + qid, Token: other, Body: map[string]any{"body": "改掉"}}, Status: http.StatusForbidden},
			{Name: "an answer has no title", Req: req{Method: "PATCH", Path: "/api/v1/posts/" + peerID, Token: other, Body: map[string]any{"title": "标题标题"}}, Status: http.StatusBadRequest, Field: "title"},
			{Name: "asker edits", Req: req{Method: "PATCH", Path: "/api/v1/posts/" + qid, Token: asker, Body: map[string]any{"body": "补充：版本 9.0 公有云。"}}, Status: http.StatusOK,
				Fields: map[string]any{"edited": true}},
		})
		if revs := e.Do(req{Method: "GET", Path: "/api/v1/posts/" + qid + "/revisions"}).Items(); len(revs) != 1 || !strings.Contains(revs[0]["body"].(string), "有凭证没过账") {
			t.Errorf("revisions after one edit: %v", revs)
		}
		_, answers = thread(t, e, "", qid)
		if cs, _ := answers[0]["comments"].([]any); len(cs) != 1 {
			t.Errorf("the staff answer's comments: %v", answers[0])
		}

		// Lock: no new answers or comments, with a reason; unlock opens it again.
		e.Run(t, []apptest.Check{
			{Name: "customer may not lock", Req: req{Method: "POST", Path: "/api/v1/questions/" + qid + "/lock", Token: asker}, Status: http.StatusForbidden},
			{Name: "engineer may not lock", Req: req{Method: "POST", Path: "/api/v1/questions/" + qid + "/lock", Token: engineer}, Status: http.StatusForbidden},
			{Name: "agent locks", Req: req{Method: "POST", Path: "/api/v1/questions/" + qid + "/lock", Token: agent}, Status: http.StatusOK, Fields: map[string]any{"locked": true}},
			{Name: "answer a locked question", Req: req{Method: "POST", Path: "/api/v1/questions/" + qid + "/answers", Token: other, Body: map[string]any{"body": "再补充一点"}},
				Status: http.StatusConflict, Code: "state.conflict"},
			{Name: "comment on a locked question's answer", Req: req{Method: "POST", Path: "/api/v1/posts/" + peerID + "/comments", Token: other, Body: map[string]any{"body": "再补充一点"}},
				Status: http.StatusConflict, Code: "state.conflict"},
			{Name: "agent unlocks", Req: req{Method: "POST", Path: "/api/v1/questions/" + qid + "/unlock", Token: agent, Body: "{}"}, Status: http.StatusOK, Fields: map[string]any{"locked": false}},
			{Name: "answer again", Req: req{Method: "POST", Path: "/api/v1/questions/" + qid + "/answers", Token: other, Body: map[string]any{"body": "再补充一点"}}, Status: http.StatusCreated},
		})
		if p := e.Do(req{Method: "POST", Path: "/api/v1/questions/" + qid + "/lock", Token: agent}); p.Status == http.StatusOK {
			res := e.Do(req{Method: "POST", Path: "/api/v1/questions/" + qid + "/answers", Token: other, Body: map[string]any{"body": "x"},
				Header: map[string]string{"Accept-Language": "en"}})
			if !strings.Contains(res.JSON()["detail"].(string), "locked") {
				t.Errorf("the refusal does not say the question is locked: %s", res.Body)
			}
			e.Do(req{Method: "POST", Path: "/api/v1/questions/" + qid + "/unlock", Token: agent})
		}

		// Report, then hide: the peer's answer is gone for everyone but moderators.
		e.Run(t, []apptest.Check{
			{Name: "bad reason", Req: req{Method: "POST", Path: "/api/v1/posts/" + peerID + "/report", Token: asker, Body: map[string]any{"reason": "ugly"}}, Status: http.StatusBadRequest, Field: "reason"},
			{Name: "report", Req: req{Method: "POST", Path: "/api/v1/posts/" + peerID + "/report", Token: asker, Body: map[string]any{"reason": "spam", "note": "广告"}}, Status: http.StatusOK},
			{Name: "report again", Req: req{Method: "POST", Path: "/api/v1/posts/" + peerID + "/report", Token: asker, Body: map[string]any{"reason": "other"}}, Status: http.StatusOK,
				Fields: map[string]any{"reason": "spam"}},
			{Name: "customer reads the queue", Req: req{Method: "GET", Path: "/api/v1/moderation/reports", Token: asker}, Status: http.StatusForbidden},
		})
		if reports := e.Do(req{Method: "GET", Path: "/api/v1/moderation/reports", Token: agent}).Items(); len(reports) != 1 || reports[0]["post_id"] != peerID {
			t.Errorf("the moderation queue: %v", reports)
		}
		if res := e.Do(req{Method: "POST", Path: "/api/v1/posts/" + peerID + "/hide", Token: agent, Body: map[string]any{"reason": "广告"}}); res.Status != http.StatusOK || res.JSON()["hidden"] != true {
			t.Fatalf("hide: %d %s", res.Status, res.Body)
		}
		if reports := e.Do(req{Method: "GET", Path: "/api/v1/moderation/reports", Token: agent}).Items(); len(reports) != 0 {
			t.Errorf("the report stays open after hiding: %v", reports)
		}
		for _, tok := range []string{"", asker, other} {
			if _, answers := thread(t, e, tok, qid); contains(idsOf(answers), peerID) {
				t.Errorf("a hidden answer is shown to %q", tok)
			}
		}
		if _, answers := thread(t, e, agent, qid); !contains(idsOf(answers), peerID) {
			t.Errorf("a hidden answer is not shown to the moderator")
		}
		if got := e.Do(req{Method: "POST", Path: "/api/v1/posts/" + peerID + "/vote", Token: otherMember, Body: map[string]any{"value": 1}}).Status; got != http.StatusNotFound {
			t.Errorf("vote on a hidden answer: %d", got)
		}

		// A hidden question: not found by others, not listed, not searched.
		e.Do(req{Method: "POST", Path: "/api/v1/posts/" + qid + "/hide", Token: agent, Body: map[string]any{"reason": "测试"}})
		for _, tok := range []string{"", asker} {
			if got := e.Do(req{Method: "GET", Path: "/api/v1/questions/" + qid, Token: tok}).Status; got != http.StatusNotFound {
				t.Errorf("hidden question read by %q: %d", tok, got)
			}
		}
		if contains(idsOf(e.Do(req{Method: "GET", Path: "/api/v1/questions?limit=200"}).Items()), qid) {
			t.Errorf("a hidden question is listed")
		}
		if ids := searchIDs(e, url.QueryEscape("暂存的凭证被遗漏")); contains(ids, qid) {
			t.Errorf("a hidden question is found by search: %v", ids)
		}
		e.Do(req{Method: "POST", Path: "/api/v1/posts/" + qid + "/unhide", Token: agent})
		if ids := searchIDs(e, url.QueryEscape("暂存的凭证被遗漏")); !contains(ids, qid) {
			t.Errorf("an unhidden question is not found again: %v", ids)
		}

		// Closed as a duplicate: links to the other, takes no answers.
		dup := mustCreate(t, e, req{Method: "POST", Path: "/api/v1/questions", Token: other, Body: map[string]any{"title": "结转损益报未过账凭证", "body": "同样的问题"}})
		dupID := dup["id"].(string)
		e.Run(t, []apptest.Check{
			{Name: "duplicate of itself", Req: req{Method: "POST", Path: "/api/v1/questions/" + dupID + "/close", Token: agent, Body: map[string]any{"duplicate_of": dupID}}, Status: http.StatusBadRequest, Field: "duplicate_of"},
			{Name: "duplicate of nothing", Req: req{Method: "POST", Path: "/api/v1/questions/" + dupID + "/close", Token: agent, Body: map[string]any{"duplicate_of": "q_nope"}}, Status: http.StatusBadRequest, Field: "duplicate_of"},
			{Name: "customer closes", Req: req{Method: "POST", Path: "/api/v1/questions/" + dupID + "/close", Token: asker, Body: map[string]any{"duplicate_of": qid}}, Status: http.StatusForbidden},
			{Name: "agent closes", Req: req{Method: "POST", Path: "/api/v1/questions/" + dupID + "/close", Token: agent, Body: map[string]any{"duplicate_of": qid}}, Status: http.StatusOK,
				Fields: map[string]any{"duplicate_of": qid}},
			{Name: "answer a duplicate", Req: req{Method: "POST", Path: "/api/v1/questions/" + dupID + "/answers", Token: asker, Body: map[string]any{"body": "见原问题"}}, Status: http.StatusConflict},
		})
		if question, _ := thread(t, e, "", dupID); question["duplicate_of"] != qid {
			t.Errorf("the closed question does not link to the original: %v", question)
		}

		// Similar questions for a title being typed.
		sim := e.Do(req{Method: "GET", Path: "/api/v1/questions/similar?limit=3&title=" + url.QueryEscape("结转损益 未过账凭证")}).Items()
		if len(sim) == 0 || len(sim) > 3 || !contains(idsOf(sim), qid) {
			t.Errorf("similar to a typed title: %v", sim)
		}
		if got := e.Do(req{Method: "GET", Path: "/api/v1/questions/similar?limit=50&title=x"}).Status; got != http.StatusBadRequest {
			t.Errorf("similar with limit 50: %d", got)
		}

		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?target_id=" + staffID, Token: e.Login("admin@steward.demo")})
		for _, action := range []string{"qa.answer", "qa.vote"} {
			if !strings.Contains(string(audit.Body), action) {
				t.Errorf("%s not audited: %s", action, audit.Body)
			}
		}
	})
}

func idsOf(items []map[string]any) []string {
	var ids []string
	for _, it := range items {
		ids = append(ids, it["id"].(string))
	}
	return ids
}

func TestQuestionRefusedToACustomerWithoutTheCommunityService(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		outsider := customerWithoutCommunity(t, e)
		res := e.Do(req{Method: "POST", Path: "/api/v1/questions", Token: outsider, Body: map[string]any{"title": "凭证怎么反审核", "body": "正文"}})
		if code, _ := res.JSON()["code"].(string); res.Status != http.StatusForbidden || !strings.HasPrefix(code, "entitlement.") {
			t.Errorf("a customer without the community service asks: %d %s", res.Status, res.Body)
		}
		// Refused before the body is read: a malformed body is still 403.
		if got := e.Do(req{Method: "POST", Path: "/api/v1/questions", Token: outsider, Body: "{"}).Status; got != http.StatusForbidden {
			t.Errorf("refusal after reading the body: %d", got)
		}
		// Reading stays open to them.
		if got := e.Do(req{Method: "GET", Path: "/api/v1/questions/q-unaudit-posted", Token: outsider}).Status; got != http.StatusOK {
			t.Errorf("reading a demo question: %d", got)
		}
	})
}

// TestVotesAtOnceCountOncePerPerson: every demo customer with the community
// service votes up the same answer twice at the same moment, through two
// instances on one database; the answer ends with one vote per person.
func TestVotesAtOnceCountOncePerPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		var tokens []string
		for _, o := range app.DemoOrgs {
			if o.Region == "CN" && o.ID != "org_demo_legacy" || o.Region == "HK" { // the demo orgs with the community service now
				tokens = append(tokens, one.Login(o.Admin), one.Login(o.Member))
			}
		}
		const answer = "a-unaudit-posted-1" // a staff answer: every customer may vote on it
		envs := make([]*apptest.Env, 2*len(tokens))
		for i := range envs {
			envs[i] = []*apptest.Env{one, other}[i%2]
		}
		var n atomic.Int32
		apptest.AtOnce(t, envs, func(e *apptest.Env) error {
			token := tokens[int(n.Add(1)-1)/2]
			if res := e.Do(req{Method: "POST", Path: "/api/v1/posts/" + answer + "/vote", Token: token, Body: map[string]any{"value": 1}}); res.Status != http.StatusOK {
				return fmt.Errorf("vote: %d %s", res.Status, res.Body)
			}
			return nil
		})
		_, answers := thread(t, one, "", "q-unaudit-posted")
		if i := slices.Index(idsOf(answers), answer); len(tokens) != 6 || i < 0 || answers[i]["votes"] != float64(len(tokens)) {
			t.Errorf("votes after %d people voted twice at once: %v", len(tokens), answers)
		}
	})
}
