//go:build browser

package browser

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/platform/notify"
)

// TestRescueJourney is issue 7's acceptance in the browser: a customer
// reports a fatal failure in zh-CN on a phone; the engineer on call gets an
// e-mail through a real SMTP server on loopback and the vendor's webhook
// receives the signed JSON; the engineer sees the report in the live queue
// without reloading, acknowledges it within the target (no breach shown),
// writes an internal note and downgrades it as caused by the customer's own
// staff; the customer's page then gives that reason, says the quota unit
// came back and shows the count as before the report, and never the note.
func TestRescueJourney(t *testing.T) {
	t.Parallel()
	mail := startMailbox(t)
	hook := startHookReceiver(t)
	s := startSiteWith(t, nil, func(c *app.Config) {
		c.SMTP = notify.SMTPConfig{Addr: mail.addr, From: "Steward 服务台 <steward@vendor.example>"}
		c.JobPoll = 200 * time.Millisecond
	})
	admin := apiLogin(t, s, "admin@steward.demo")
	apiCall(t, s, admin, "POST", "/api/v1/notify/channels", map[string]any{
		"type": "webhook", "name": "值班机器人", "url": hook.url, "secret": hook.secret, "kinds": []string{"rescue.*"}}, 201)

	customer := s.phone(t, "zh-CN", "admin@yunqi.demo")
	if got := customer.text(`nav a[href="/portal/rescue"]`); got != "报告致命故障" {
		t.Errorf("the portal menu says %q", got)
	}
	mustStatus(t, "report page", customer.click(`nav a[href="/portal/rescue"]`), 200)
	promise := customer.text(`[data-testid="promise"]`)
	for _, want := range []string{"7×24", "北京时间", "15 分钟内"} {
		if !strings.Contains(promise, want) {
			t.Errorf("the promise lacks %q: %q", want, promise)
		}
	}
	before := remaining(t, customer)
	explained := customer.text(`[data-testid="what-counts"]`)
	for _, want := range []string{"大面积不可用", "异常阻塞", "日常业务", "客户人员的操作", "病毒", "第三方产品", "硬件或网络故障", "额度会退回"} {
		if !strings.Contains(explained, want) {
			t.Errorf("the explanation lacks %q: %q", want, explained)
		}
	}
	noSideScroll(t, customer)

	// A phone number the server cannot read comes back beside its field.
	customer.typeInto(`input[name="title"]`, "全公司无法登录总账")
	customer.typeInto(`textarea[name="description"]`, "上午 9 点起所有用户登录总账时提示“服务不可用”，凭证无法过账。")
	run(customer, "tick all users", chromedp.Click(chromedp.CSS(`input[name="users_affected"][value="all"]`), chromedp.NodeVisible))
	customer.typeInto(`input[name="contact_phone"]`, "请打座机")
	mustStatus(t, "report with a bad phone", customer.click(`[data-testid="rescue-form"] button[type="submit"]`), 400)
	if got := customer.text(`input[name="contact_phone"] ~ .field-error`); got == "" {
		t.Errorf("no error beside the phone field")
	}
	if got := remaining(t, customer); got != before {
		t.Errorf("a refused report used quota: %d left, was %d", got, before)
	}
	setValue(customer, `input[name="contact_phone"]`, "")
	customer.typeInto(`input[name="contact_phone"]`, "138 0013 8000")
	mustStatus(t, "report", customer.click(`[data-testid="rescue-form"] button[type="submit"]`), 200)
	if !strings.HasPrefix(customer.path(), "/portal/rescues/") || !strings.Contains(customer.text("main"), "报告已发送") {
		t.Fatalf("after sending, %s says %q", customer.path(), customer.text("main"))
	}
	rescueID := strings.TrimPrefix(customer.path(), "/portal/rescues/")
	number := strings.Fields(customer.text(`[data-testid="rescue-heading"]`))[0]
	if got := remaining(t, customer); got != before-1 {
		t.Errorf("after the report %d left, want %d", got, before-1)
	}
	if got := customer.text(`[data-clock="ack"]`); !strings.Contains(got, "还剩") {
		t.Errorf("the customer's acknowledgement clock reads %q", got)
	}
	noSideScroll(t, customer)

	msg := mail.waitFor(t, "engineer@steward.demo", number)
	if !strings.Contains(msg, "/console/rescues/"+rescueID) {
		t.Errorf("the engineer's e-mail does not link the report:\n%s", msg)
	}
	body := hook.waitFor(t, number)
	var event map[string]any
	if err := json.Unmarshal(body, &event); err != nil {
		t.Errorf("the webhook's body is not JSON: %v\n%s", err, body)
	}

	engineer := s.newTab(t)
	engineer.openInLang("/login", "zh-CN")
	engineer.login("engineer@steward.demo", demoPassword)
	mustStatus(t, "queue", engineer.open("/console/rescues"), 200)
	row := `#rescue-queue tr[data-rescue="` + rescueID + `"]`
	first := engineer.text(row + ` [data-clock="ack"] time`)
	engineer.waitUntil("the countdown ticks", fmt.Sprintf(`document.querySelector('%s [data-clock="ack"] time').textContent !== %q`, row, first))
	if got := engineer.text(row); !strings.Contains(got, "云启制造有限公司") || !strings.Contains(got, "已报告") || strings.Contains(got, "超时") {
		t.Errorf("the queue's row reads %q", got)
	}
	// A report filed meanwhile appears without a reload.
	eval[bool](engineer, `window.sameDocument = true`)
	other := apiLogin(t, s, "admin@huabei.demo")
	second := apiCall(t, s, other, "POST", "/api/v1/orgs/org_demo_perpetual/rescues", reportBody("生产库锁表，出库单无法保存"), 201)
	engineer.waitUntil("the second report appears in the queue", fmt.Sprintf(`document.querySelector('#rescue-queue tr[data-rescue=%q]') !== null`, second["id"]))
	if !eval[bool](engineer, `window.sameDocument === true`) {
		t.Errorf("the queue reloaded the page to show the new report")
	}

	mustStatus(t, "workspace", engineer.click(row+` a`), 200)
	mustStatus(t, "ack", engineer.click(`[data-testid="action-ack"] button`), 200)
	if got := engineer.text("main"); !strings.Contains(got, "已确认收到") {
		t.Errorf("after the acknowledgement the page says %q", got)
	}
	if got := eval[string](engineer, `document.querySelector('[data-clock="ack"]').dataset.breached`); got != "false" {
		t.Errorf("the acknowledgement shows as breached (%s): %q", got, engineer.text(`[data-testid="clocks"]`))
	}
	if engineer.has(`[data-testid="breaches"]`) || strings.Contains(engineer.text(`[data-testid="clocks"]`), "超时") {
		t.Errorf("a breach is shown after acknowledging in time: %q", engineer.text(`[data-testid="clocks"]`))
	}
	note := "内部：怀疑客户管理员误删了总账期间数据"
	engineer.typeInto(`[data-testid="update-form"] textarea[name="body"]`, note)
	run(engineer, "tick internal", chromedp.Click(chromedp.CSS(`[data-testid="update-form"] input[name="public"][value="false"]`), chromedp.NodeVisible))
	mustStatus(t, "internal note", engineer.click(`[data-testid="update-form"] button[type="submit"]`), 200)
	if got := engineer.text(`[data-testid="timeline"]`); !strings.Contains(got, note) || !strings.Contains(got, "内部备注") {
		t.Errorf("the engineer's timeline reads %q", got)
	}
	setValue(engineer, `[data-testid="downgrade-form"] select[name="reason"]`, "excluded_cause")
	setValue(engineer, `[data-testid="downgrade-form"] select[name="cause"]`, "customer_operation")
	engineer.typeInto(`[data-testid="downgrade-form"] textarea[name="note"]`, "期间数据被贵单位管理员删除，已协助从备份恢复。")
	mustStatus(t, "downgrade", engineer.click(`[data-testid="downgrade-form"] button[type="submit"]`), 200)
	if got := engineer.text(`[data-testid="downgrade"]`); !strings.Contains(got, "客户人员的操作") {
		t.Errorf("the workspace's downgrade reads %q", got)
	}

	mustStatus(t, "customer's report", customer.open("/portal/rescues/"+rescueID), 200)
	if got := customer.text(`[data-testid="downgrade-reason"]`); !strings.Contains(got, "客户人员的操作") {
		t.Errorf("the customer reads the reason %q", got)
	}
	if got := customer.text(`[data-testid="refunded"]`); !strings.Contains(got, "额度已退回") {
		t.Errorf("the customer reads %q about the quota", got)
	}
	if got := remaining(t, customer); got != before {
		t.Errorf("after the downgrade %d left, want %d as before the report", got, before)
	}
	if got := customer.text("main"); strings.Contains(got, note) || strings.Contains(got, "内部备注") {
		t.Errorf("the customer sees the internal note: %q", got)
	}
	noSideScroll(t, customer)
}

// TestFifthConfirmedRescueIsRefused: once every report of the service year
// is confirmed as a fatal failure, the report page says in words why no
// more can be sent, until when, and where to go instead; the API refuses
// the next report with 409 quota.exhausted.
func TestFifthConfirmedRescueIsRefused(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	customer := apiLogin(t, s, "admin@gangxin.demo")
	engineer := apiLogin(t, s, "engineer@steward.demo")
	const org = "org_demo_hk"
	quota := apiCall(t, s, customer, "GET", "/api/v1/orgs/"+org+"/quota/hotline_rescue", nil, 200)["quota"].(map[string]any)
	left := int(quota["remaining"].(float64))
	if left < 1 {
		t.Fatalf("the HK demo customer starts with %v", quota)
	}
	for i := range left {
		r := apiCall(t, s, customer, "POST", "/api/v1/orgs/"+org+"/rescues", reportBody(fmt.Sprintf("Rescue %d: nobody can log in", i+1)), 201)
		path := "/api/v1/orgs/" + org + "/rescues/" + r["id"].(string)
		apiCall(t, s, engineer, "POST", path+"/ack", map[string]any{}, 200)
		apiCall(t, s, engineer, "POST", path+"/confirm", map[string]any{}, 200)
	}
	refused := apiCall(t, s, customer, "POST", "/api/v1/orgs/"+org+"/rescues", reportBody("One more"), 409)
	if refused["code"] != "quota.exhausted" {
		t.Errorf("the fifth report is refused with %v", refused)
	}

	p := s.phone(t, "en", "admin@gangxin.demo")
	mustStatus(t, "report page", p.open("/portal/rescue"), 200)
	refusal := p.text(`[data-testid="refusal"]`)
	for _, want := range []string{"You cannot report here right now", "All", "have been used", quota["period_end"].(string), "community", "service robot"} {
		if !strings.Contains(refusal, want) {
			t.Errorf("the refusal lacks %q: %q", want, refusal)
		}
	}
	if p.has(`[data-testid="rescue-form"]`) {
		t.Errorf("the page still offers the report form")
	}
	if got := remaining(t, p); got != 0 {
		t.Errorf("the page says %d left", got)
	}
	noSideScroll(t, p)
}

// setValue sets a field's value as a person's choice would, without typing.
func setValue(p *tab, sel, value string) {
	p.t.Helper()
	if !eval[bool](p, fmt.Sprintf(`(() => { const f = document.querySelector(%q); if (!f) return false; f.value = %q; return f.value === %q })()`, sel, value, value)) {
		p.t.Fatalf("cannot set %s to %q on %s", sel, value, p.path())
	}
}

// remaining is the count of reports left that the page shows.
func remaining(t *testing.T, p *tab) int {
	t.Helper()
	n, err := strconv.Atoi(eval[string](p, `document.querySelector('[data-testid="quota-left"]')?.dataset.remaining ?? ""`))
	if err != nil {
		t.Fatalf("no remaining count on %s: %v", p.path(), err)
	}
	return n
}

// reportBody is a complete report as the API takes it.
func reportBody(title string) map[string]any {
	return map[string]any{"title": title, "description": "The whole company is blocked.", "users_affected": "all",
		"business_stopped": true, "since": time.Now().Add(-10 * time.Minute).UTC().Format(time.RFC3339),
		"contact": map[string]any{"name": "Chan Tai Man", "phone": "+852 2123 4567"}}
}

// apiLogin logs email in through the API and returns the token.
func apiLogin(t *testing.T, s *site, email string) string {
	t.Helper()
	res := apiCall(t, s, "", "POST", "/api/v1/auth/login", map[string]any{"email": email, "password": demoPassword}, 200)
	return res["token"].(string)
}

// apiCall sends a JSON request with the token and checks the status.
func apiCall(t *testing.T, s *site, token, method, path string, body any, want int) map[string]any {
	t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return out
}

// mailbox is a real SMTP server on loopback that keeps what it receives.
type mailbox struct {
	addr string
	mu   sync.Mutex
	got  []mailMessage
}

type mailMessage struct {
	to   []string
	data string
}

type mailSession struct {
	box *mailbox
	msg mailMessage
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = string(raw)
	s.box.mu.Lock()
	s.box.got = append(s.box.got, s.msg)
	s.box.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        { s.msg = mailMessage{} }
func (s *mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	box.addr = l.Addr().String()
	return box
}

// waitFor waits for a message to the address that mentions text, and
// returns it decoded.
func (b *mailbox) waitFor(t *testing.T, to, text string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.mu.Lock()
		got := append([]mailMessage(nil), b.got...)
		b.mu.Unlock()
		for _, m := range got {
			if body := decodeMail(t, m.data); slices.Contains(m.to, to) && strings.Contains(body, text) {
				return body
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail to %s mentioning %q within 30 s; received %d messages", to, text, len(got))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// decodeMail returns a received message as a person reads it: the decoded
// subject, then the decoded body.
func decodeMail(t *testing.T, raw string) string {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("a received e-mail does not parse: %v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("the subject does not decode: %v", err)
	}
	body, err := io.ReadAll(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "base64":
		body, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
	case "quoted-printable":
		body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	}
	if err != nil {
		t.Fatalf("the body does not decode: %v", err)
	}
	return subject + "\n\n" + string(body)
}

// hookReceiver is the vendor's webhook endpoint on loopback: it keeps the
// bodies whose signature verifies with the channel's secret.
type hookReceiver struct {
	url, secret string
	mu          sync.Mutex
	signed      [][]byte
	unsigned    int
}

func startHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{secret: "webhook-secret-for-the-test"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get(notify.HeaderTimestamp)
		h.mu.Lock()
		if r.Header.Get(notify.HeaderSignature) == notify.WebhookSignature(h.secret, ts, body) {
			h.signed = append(h.signed, body)
		} else {
			h.unsigned++
		}
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/steward"
	return h
}

// waitFor waits for a signed body that mentions text.
func (h *hookReceiver) waitFor(t *testing.T, text string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h.mu.Lock()
		signed, unsigned := append([][]byte(nil), h.signed...), h.unsigned
		h.mu.Unlock()
		for _, b := range signed {
			if bytes.Contains(b, []byte(text)) {
				return b
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no signed webhook mentioning %q within 30 s (%d signed, %d with a bad signature)", text, len(signed), unsigned)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
