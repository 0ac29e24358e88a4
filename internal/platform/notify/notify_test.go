package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/jobs"
)

var start = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// relaxed is the attempt timeout of tests whose receivers answer at once: far
// above what they take, even under the race detector on a busy machine.
const relaxed = 10 * time.Second

// fixture is a notifier on a database with a manual clock and the job
// runner that sends its deliveries.
type fixture struct {
	t      *testing.T
	db     *db.DB
	clock  *clock.Manual
	runner *jobs.Runner
	n      *Notifier
}

func newFixture(t *testing.T, d *db.DB, smtpCfg SMTPConfig, timeout time.Duration) *fixture {
	t.Helper()
	c := clock.NewManual(start)
	log := slog.New(slog.DiscardHandler)
	r := jobs.NewRunner(d, c, log)
	n := New(Deps{DB: d, Clock: c, Jobs: r, SMTP: smtpCfg, Timeout: timeout, Log: log,
		Audit: func(ctx context.Context, tx *db.Tx, orgID, action, targetType, targetID string, changes map[string][2]any) error {
			tx.MarkAudited()
			return nil
		}})
	return &fixture{t: t, db: d, clock: c, runner: r, n: n}
}

// publish publishes e in its own transaction, as a room would in its audited one.
func (f *fixture) publish(e Event) {
	f.t.Helper()
	err := f.db.InTx(context.Background(), func(tx *db.Tx) error {
		tx.MarkAudited() // the room's own change carries the audit record
		return f.n.Publish(context.Background(), tx, e)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) runDue() int {
	f.t.Helper()
	n, err := f.runner.RunDue(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) deliveries() []Delivery {
	f.t.Helper()
	list, err := f.n.store.deliveries(context.Background(), DeliveryFilter{}, "", 100)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

// addChannel stores a channel straight away (the API's rules are tested apart).
func (f *fixture) addChannel(c Channel) Channel {
	f.t.Helper()
	c.CreatedAt, c.UpdatedAt, c.Enabled = f.clock.Now(), f.clock.Now(), true
	err := f.db.InTx(context.Background(), func(tx *db.Tx) error {
		tx.MarkAudited()
		return f.n.store.insertChannel(context.Background(), tx, c)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func rescueEvent(key string) Event {
	return Event{Kind: "rescue.reported", Key: key,
		Title:    Text{Zh: "紧急救援 R-0001：总账无法过账", En: "Rescue R-0001: the ledger cannot post"},
		Body:     Text{Zh: "云启科技报告致命故障。\n影响：全部用户", En: "Yunqi reported a fatal failure.\nAffected: all users"},
		Link:     "https://steward.example/console/rescues/r_1",
		Severity: SeverityCritical}
}

// mailbox is a real SMTP server on loopback that keeps what it receives.
type mailbox struct {
	mu       sync.Mutex
	messages []received
	auth     []string // usernames that authenticated
}

type received struct {
	from string
	to   []string
	data []byte
	tls  bool // the message came over STARTTLS
}

type mailSession struct {
	box  *mailbox
	conn *smtp.Conn
	msg  received
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "steward" || pass != "s3cret" {
			return errors.New("bad credentials")
		}
		s.box.mu.Lock()
		s.box.auth = append(s.box.auth, user)
		s.box.mu.Unlock()
		return nil
	}), nil
}
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error { s.msg.from = from; return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = data
	_, s.msg.tls = s.conn.TLSConnectionState()
	s.box.mu.Lock()
	s.box.messages = append(s.box.messages, s.msg)
	s.box.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        { s.msg = received{} }
func (s *mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) (*mailbox, string) {
	return startMailboxTLS(t, nil)
}

// startMailboxTLS offers STARTTLS with tlsConfig when it is not nil.
func startMailboxTLS(t *testing.T, tlsConfig *tls.Config) (*mailbox, string) {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mailSession{box: box, conn: c}, nil }))
	srv.Domain = "localhost"
	srv.TLSConfig = tlsConfig
	srv.AllowInsecureAuth = true // loopback: net/smtp sends PLAIN to localhost without TLS
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return box, l.Addr().String()
}

func (b *mailbox) all() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.messages...)
}

func TestEmailReachesARealSMTPServerInBothLanguages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		box, addr := startMailbox(t)
		f := newFixture(t, d, SMTPConfig{Addr: addr, From: "Steward 服务台 <steward@vendor.example>", Username: "steward", Password: "s3cret"}, relaxed)
		e := rescueEvent("rescue:r_1:reported")
		e.Emails = []Address{{Email: "li.lei@yunqi.example", Name: "李雷", Locale: "zh-CN"}, {Email: "LI.LEI@yunqi.example"}}
		f.publish(e)
		if n := f.runDue(); n != 1 {
			t.Fatalf("ran %d jobs, want 1 (the same address twice is one delivery)", n)
		}
		msgs := box.all()
		if len(msgs) != 1 {
			t.Fatalf("the server received %d messages, want 1", len(msgs))
		}
		got := msgs[0]
		if got.from != "steward@vendor.example" || len(got.to) != 1 || got.to[0] != "li.lei@yunqi.example" {
			t.Errorf("envelope from %q to %v", got.from, got.to)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(got.data)))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		if subject != "【紧急 Critical】紧急救援 R-0001：总账无法过账 / Rescue R-0001: the ledger cannot post" {
			t.Errorf("subject %q", subject)
		}
		if raw := m.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?b?") {
			t.Errorf("subject not RFC 2047-encoded: %q", raw)
		}
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil || to.Name != "李雷" || to.Address != "li.lei@yunqi.example" {
			t.Errorf("To %q: %v", m.Header.Get("To"), err)
		}
		if date, err := m.Header.Date(); err != nil || !date.Equal(start) {
			t.Errorf("Date %q: %v", m.Header.Get("Date"), err)
		}
		dl := f.deliveries()[0]
		if want := "<" + dl.ID + "@vendor.example>"; m.Header.Get("Message-ID") != want {
			t.Errorf("Message-ID %q, want %q", m.Header.Get("Message-ID"), want)
		}
		if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
			t.Errorf("Content-Type %q", ct)
		}
		body := decodeBody(t, m)
		zh, en := strings.Index(body, "云启科技报告致命故障。"), strings.Index(body, "Yunqi reported a fatal failure.")
		if zh < 0 || en < 0 || zh > en {
			t.Errorf("body must hold the Chinese text, then the English:\n%s", body)
		}
		if !strings.Contains(body, "打开：https://steward.example/console/rescues/r_1") || !strings.Contains(body, "Open: https://steward.example/console/rescues/r_1") {
			t.Errorf("body lacks the link in both languages:\n%s", body)
		}
		if len(box.auth) != 1 {
			t.Errorf("the client authenticated %d times, want once", len(box.auth))
		}
		if dl.State != Sent || dl.Attempts != 1 || dl.LastStatus != 250 || dl.SentAt == nil || !dl.SentAt.Equal(start) {
			t.Errorf("delivery log: %+v", dl)
		}
	})
}

func decodeBody(t *testing.T, m *mail.Message) string {
	t.Helper()
	if m.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Fatalf("Content-Transfer-Encoding %q", m.Header.Get("Content-Transfer-Encoding"))
	}
	raw, err := io.ReadAll(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\r\n") {
		if len(line) > 76 {
			t.Errorf("body line of %d characters", len(line))
		}
	}
	dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	return string(dec)
}

func TestEmailGoesOverSTARTTLSWhenOfferedAndNeverDowngrades(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		// httptest's certificate is for 127.0.0.1; the SMTP server borrows it.
		certSrv := httptest.NewTLSServer(http.NotFoundHandler())
		defer certSrv.Close()
		box, addr := startMailboxTLS(t, &tls.Config{Certificates: certSrv.TLS.Certificates})
		trusted := x509.NewCertPool()
		trusted.AddCert(certSrv.Certificate())

		f := newFixture(t, d, SMTPConfig{Addr: addr, From: "steward@vendor.example", Username: "steward", Password: "s3cret", rootCAs: trusted}, relaxed)
		e := rescueEvent("rescue:r_1:reported")
		e.Emails = []Address{{Email: "li.lei@yunqi.example"}}
		f.publish(e)
		f.runDue()
		if msgs := box.all(); len(msgs) != 1 || !msgs[0].tls {
			t.Fatalf("want one message over STARTTLS, got %d (%+v)", len(msgs), msgs)
		}

		// A server whose certificate is not trusted gets nothing, not even in
		// the clear: the delivery waits for its retry with the reason.
		f2 := newFixture(t, dbtest.Reopen(t, d), SMTPConfig{Addr: addr, From: "steward@vendor.example"}, relaxed)
		e.Key = "rescue:r_1:acknowledged"
		f2.publish(e)
		f2.runDue()
		if n := len(box.all()); n != 1 {
			t.Errorf("the server received %d messages, want still 1", n)
		}
		for _, dl := range f2.deliveries() {
			if dl.EventKey == e.Key && (dl.State != Pending || !strings.Contains(dl.LastError, "STARTTLS")) {
				t.Errorf("untrusted certificate: %+v", dl)
			}
		}
	})
}

func TestEmailWithoutSMTPIsSkippedWithItsReason(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		e := rescueEvent("rescue:r_1:reported")
		e.Emails = []Address{{Email: "li.lei@yunqi.example"}}
		f.publish(e)
		f.runDue()
		f.clock.Advance(time.Hour)
		if n := f.runDue(); n != 0 {
			t.Fatalf("a skipped e-mail was tried again (%d jobs)", n)
		}
		dl := f.deliveries()[0]
		if dl.State != Skipped || !strings.Contains(dl.LastError, "--smtp-addr") {
			t.Errorf("delivery %+v, want skipped naming --smtp-addr", dl)
		}
	})
}

// receiver is a local HTTP endpoint that records requests and answers as told.
type receiver struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
	answer   func(n int) (int, string) // n counts requests from 1
	srv      *httptest.Server
}

func startReceiver(t *testing.T, answer func(n int) (int, string)) *receiver {
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.requests = append(rc.requests, r)
		rc.bodies = append(rc.bodies, body)
		n := len(rc.requests)
		rc.mu.Unlock()
		status, text := rc.answer(n)
		w.WriteHeader(status)
		io.WriteString(w, text)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.requests)
}

func (rc *receiver) allBodies() [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.bodies...)
}

func (rc *receiver) last() (*http.Request, []byte) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.requests[len(rc.requests)-1], rc.bodies[len(rc.bodies)-1]
}

func ok(int) (int, string) { return http.StatusOK, `{"errcode":0,"errmsg":"ok","code":0}` }

func TestWebhookIsSignedOverTimestampAndBody(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rc := startReceiver(t, ok)
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		f.addChannel(Channel{ID: "nch_hook", Type: TypeWebhook, Name: "ops", URL: rc.srv.URL + "/hook", Secret: "whsec-0123456789"})
		f.publish(rescueEvent("rescue:r_1:reported"))
		f.runDue()
		if rc.count() != 1 {
			t.Fatalf("receiver got %d requests", rc.count())
		}
		req, body := rc.last()
		ts := req.Header.Get(HeaderTimestamp)
		if ts != "1795744800" { // start, in Unix seconds
			t.Errorf("timestamp %q", ts)
		}
		if got, want := req.Header.Get(HeaderSignature), WebhookSignature("whsec-0123456789", ts, body); got != want || !strings.HasPrefix(got, "sha256=") {
			t.Errorf("signature %q, want %q", got, want)
		}
		if WebhookSignature("whsec-0123456789", "1795744801", body) == req.Header.Get(HeaderSignature) {
			t.Error("the signature does not cover the timestamp: a replay with a new timestamp would pass")
		}
		var got struct {
			Delivery string `json:"delivery"`
			Kind     string `json:"kind"`
			Key      string `json:"key"`
			Title    Text   `json:"title"`
			Severity string `json:"severity"`
			Link     string `json:"link"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Kind != "rescue.reported" || got.Key != "rescue:r_1:reported" || got.Title.En != "Rescue R-0001: the ledger cannot post" ||
			got.Severity != "critical" || got.Link == "" || got.Delivery != req.Header.Get(HeaderDelivery) {
			t.Errorf("payload %s", body)
		}
	})
}

func TestALinkOnThisSiteIsSentAsAFullAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rc := startReceiver(t, ok)
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		f.n.d.PublicURL = "https://steward.vendor.example/"
		f.addChannel(Channel{ID: "nch_hook", Type: TypeWebhook, Name: "ops", URL: rc.srv.URL, Secret: "whsec-0123456789"})
		for key, link := range map[string]string{"k1": "/portal/rescues/r_1", "k2": "https://elsewhere.example/x", "k3": "//evil.example/x"} {
			e := rescueEvent(key)
			e.Link = link
			f.publish(e)
		}
		f.runDue()
		got := map[string]bool{}
		for _, body := range rc.allBodies() {
			var p struct{ Link string }
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			got[p.Link] = true
		}
		for _, want := range []string{"https://steward.vendor.example/portal/rescues/r_1", "https://elsewhere.example/x", "//evil.example/x"} {
			if !got[want] {
				t.Errorf("links sent %v, want %q among them", got, want)
			}
		}
	})
}

func TestPublishingTheSameKeyTwiceSendsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rc := startReceiver(t, ok)
		box, addr := startMailbox(t)
		f := newFixture(t, d, SMTPConfig{Addr: addr, From: "steward@vendor.example"}, relaxed)
		f.addChannel(Channel{ID: "nch_hook", Type: TypeWebhook, Name: "ops", URL: rc.srv.URL, Secret: "whsec-0123456789"})
		e := rescueEvent("rescue:r_1:reported")
		e.Emails = []Address{{Email: "li.lei@yunqi.example"}}
		f.publish(e)
		f.publish(e)
		f.runDue()
		f.publish(e) // after it was sent, too
		f.clock.Advance(time.Hour)
		f.runDue()
		if rc.count() != 1 || len(box.all()) != 1 || len(f.deliveries()) != 2 {
			t.Errorf("webhook %d, mail %d, deliveries %d; want 1, 1, 2", rc.count(), len(box.all()), len(f.deliveries()))
		}
		e.Key = "rescue:r_1:acknowledged"
		f.publish(e)
		f.runDue()
		if rc.count() != 2 || len(box.all()) != 2 {
			t.Errorf("a new key was not delivered: webhook %d, mail %d", rc.count(), len(box.all()))
		}
	})
}

func TestA500IsRetriedWithBackoffThenFailsForGood(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rc := startReceiver(t, func(n int) (int, string) {
			if n == 2 {
				return http.StatusOK, `{"errcode":0}`
			}
			return http.StatusInternalServerError, "database down"
		})
		down := startReceiver(t, func(int) (int, string) { return http.StatusInternalServerError, "gone" })
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		f.addChannel(Channel{ID: "nch_a", Type: TypeWebhook, Name: "flaky", URL: rc.srv.URL, Secret: "whsec-0123456789"})
		f.addChannel(Channel{ID: "nch_b", Type: TypeWebhook, Name: "down", URL: down.srv.URL, Secret: "whsec-0123456789"})
		f.publish(rescueEvent("rescue:r_1:reported"))
		f.runDue()
		byChannel := func() map[string]Delivery {
			out := map[string]Delivery{}
			for _, dl := range f.deliveries() {
				out[dl.ChannelID] = dl
			}
			return out
		}
		flaky := byChannel()["nch_a"]
		if flaky.State != Pending || flaky.Attempts != 1 || flaky.LastStatus != 500 || !strings.Contains(flaky.LastError, "database down") {
			t.Fatalf("after the 500: %+v", flaky)
		}
		f.clock.Advance(jobs.Backoff(1) - time.Second)
		if n := f.runDue(); n != 0 {
			t.Fatalf("retried before the backoff (%d jobs)", n)
		}
		f.clock.Advance(time.Second)
		f.runDue()
		flaky = byChannel()["nch_a"]
		if flaky.State != Sent || flaky.Attempts != 2 || flaky.LastStatus != 200 || flaky.LastError != "" {
			t.Errorf("after the retry: %+v", flaky)
		}
		for attempt := 3; attempt <= jobs.DefaultMaxAttempts; attempt++ {
			f.clock.Advance(jobs.Backoff(attempt - 1))
			f.runDue()
		}
		dead := byChannel()["nch_b"]
		if dead.State != Failed || dead.Attempts != jobs.DefaultMaxAttempts || down.count() != jobs.DefaultMaxAttempts {
			t.Errorf("after the last attempt: %+v (%d requests)", dead, down.count())
		}
		f.clock.Advance(24 * time.Hour)
		if f.runDue(); down.count() != jobs.DefaultMaxAttempts {
			t.Errorf("a failed delivery was tried again")
		}
	})
}

func TestAHangingReceiverTimesOutWithoutHoldingTheOthers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		release := make(chan struct{})
		hang := startReceiver(t, func(n int) (int, string) {
			if n == 1 {
				<-release
			}
			return http.StatusOK, ""
		})
		t.Cleanup(func() { close(release) })
		fine := startReceiver(t, ok)
		const timeout = time.Second
		f := newFixture(t, d, SMTPConfig{}, timeout)
		f.addChannel(Channel{ID: "nch_a", Type: TypeWebhook, Name: "hangs", URL: hang.srv.URL, Secret: "whsec-0123456789"})
		f.addChannel(Channel{ID: "nch_b", Type: TypeWebhook, Name: "fine", URL: fine.srv.URL, Secret: "whsec-0123456789"})
		f.publish(rescueEvent("rescue:r_1:reported"))
		if hang.count() != 0 || fine.count() != 0 {
			t.Error("Publish reached out to a receiver; it must only record the deliveries")
		}
		// The receiver hangs until the test ends: the run comes back only
		// because the attempt gave up after its timeout.
		began := time.Now()
		f.runDue()
		if took := time.Since(began); took > 15*timeout {
			t.Errorf("the run took %v; the hanging receiver held it past its timeout", took)
		}
		if fine.count() != 1 {
			t.Errorf("the other receiver got %d requests, want 1", fine.count())
		}
		for _, dl := range f.deliveries() {
			if dl.ChannelID == "nch_a" && (dl.State != Pending || dl.Attempts != 1 || !strings.Contains(dl.LastError, "deadline exceeded")) {
				t.Errorf("hanging delivery: %+v", dl)
			}
		}
		f.clock.Advance(jobs.Backoff(1))
		f.runDue()
		for _, dl := range f.deliveries() {
			if dl.ChannelID == "nch_a" && (dl.State != Sent || dl.Attempts != 2) {
				t.Errorf("the retry did not deliver: %+v", dl)
			}
		}
	})
}
