package notify

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// The expected signatures were computed apart from this code, with Python's
// hmac, hashlib and base64 modules, from the formulas the robots document.
func TestRobotSignaturesMatchTheirDocumentedFormulas(t *testing.T) {
	if got := dingTalkSign("SECtest-dingtalk-secret", "1795744800000"); got != "FqiFzjz8jgJKjt6OakgRUmKLJ7RrmZn8P8jikzFggvA=" {
		t.Errorf("DingTalk sign %q", got)
	}
	if got := feishuSign("feishu-secret-xyz", "1795744800"); got != "4QPi0UfjLy1JmxJhHzwZa1dAus1lptTUQR8enEHFG7c=" {
		t.Errorf("Feishu sign %q", got)
	}
}

func TestGroupRobotsGetTheirOwnFormats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		wecom, ding, feishu := startReceiver(t, ok), startReceiver(t, ok), startReceiver(t, ok)
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		f.addChannel(Channel{ID: "nch_wecom", Type: TypeWeCom, Name: "企业微信", URL: wecom.srv.URL + "/cgi-bin/webhook/send?key=k-1"})
		f.addChannel(Channel{ID: "nch_ding", Type: TypeDingTalk, Name: "钉钉", URL: ding.srv.URL + "/robot/send?access_token=tok-1", Secret: "SECtest-dingtalk-secret"})
		f.addChannel(Channel{ID: "nch_feishu", Type: TypeFeishu, Name: "飞书", URL: feishu.srv.URL + "/open-apis/bot/v2/hook/h-1", Secret: "feishu-secret-xyz"})
		f.publish(rescueEvent("rescue:r_1:reported"))
		f.runDue()

		_, body := wecom.last()
		var w struct {
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		if err := json.Unmarshal(body, &w); err != nil || w.MsgType != "markdown" || !strings.Contains(w.Markdown.Content, "**紧急救援 R-0001：总账无法过账**") ||
			!strings.Contains(w.Markdown.Content, "[打开 Open](https://steward.example/console/rescues/r_1)") ||
			strings.Index(w.Markdown.Content, "云启科技") > strings.Index(w.Markdown.Content, "Yunqi") {
			t.Errorf("WeCom body %s (%v)", body, err)
		}

		req, body := ding.last()
		q := req.URL.Query()
		if q.Get("access_token") != "tok-1" || q.Get("timestamp") != "1795744800000" || q.Get("sign") != "FqiFzjz8jgJKjt6OakgRUmKLJ7RrmZn8P8jikzFggvA=" ||
			!strings.Contains(req.URL.RawQuery, "sign=FqiFzjz8jgJKjt6OakgRUmKLJ7RrmZn8P8jikzFggvA%3D") {
			t.Errorf("DingTalk query %q", req.URL.RawQuery)
		}
		var dt struct {
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Title string `json:"title"`
				Text  string `json:"text"`
			} `json:"markdown"`
		}
		if err := json.Unmarshal(body, &dt); err != nil || dt.MsgType != "markdown" || dt.Markdown.Title != "紧急救援 R-0001：总账无法过账" || !strings.Contains(dt.Markdown.Text, "Yunqi reported") {
			t.Errorf("DingTalk body %s (%v)", body, err)
		}

		_, body = feishu.last()
		var fs struct {
			Timestamp string `json:"timestamp"`
			Sign      string `json:"sign"`
			MsgType   string `json:"msg_type"`
			Content   struct {
				Text string `json:"text"`
			} `json:"content"`
		}
		if err := json.Unmarshal(body, &fs); err != nil || fs.MsgType != "text" || fs.Timestamp != "1795744800" ||
			fs.Sign != "4QPi0UfjLy1JmxJhHzwZa1dAus1lptTUQR8enEHFG7c=" || !strings.Contains(fs.Content.Text, "打开 Open: https://steward.example/console/rescues/r_1") {
			t.Errorf("Feishu body %s (%v)", body, err)
		}
		for _, dl := range f.deliveries() {
			if dl.State != Sent {
				t.Errorf("%s: %+v", dl.Recipient, dl)
			}
		}
	})
}

func TestRobotsThatAnswer200WithAnErrorCodeFailed(t *testing.T) {
	cases := []struct {
		chType, answer string
		fails          bool
	}{
		{TypeWeCom, `{"errcode":93000,"errmsg":"invalid webhook url"}`, true},
		{TypeWeCom, `{"errcode":0,"errmsg":"ok"}`, false},
		{TypeDingTalk, `{"errcode":310000,"errmsg":"sign not match"}`, true},
		{TypeDingTalk, `{"errcode":0,"errmsg":"ok"}`, false},
		{TypeFeishu, `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`, true},
		{TypeFeishu, `{"code":0,"msg":"success","data":{}}`, false},
		{TypeFeishu, `<html>gateway</html>`, true},
		{TypeWebhook, `anything`, false},
	}
	for _, c := range cases {
		err := checkResponse(c.chType, http.StatusOK, []byte(c.answer))
		if (err != nil) != c.fails {
			t.Errorf("%s answering %s: %v", c.chType, c.answer, err)
		}
	}
	if err := checkResponse(TypeWebhook, http.StatusFound, nil); err == nil || !strings.Contains(err.Error(), "302") {
		t.Errorf("a redirect is a failure naming its status: %v", err)
	}
	if err := checkResponse(TypeWebhook, http.StatusBadGateway, []byte("down")); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("a 502 is a failure naming its status: %v", err)
	}
}

func TestWeComContentStaysWithinItsLimit(t *testing.T) {
	m := message{Title: Text{Zh: "标题", En: "Title"}, Body: Text{Zh: strings.Repeat("长", 3000), En: "long"}}
	req, err := robotRequest(t.Context(), Channel{Type: TypeWeCom, URL: "https://robot.example/send"}, "dlv_1", m, start)
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	if err := json.NewDecoder(req.Body).Decode(&w); err != nil {
		t.Fatal(err)
	}
	if n := len(w.Markdown.Content); n > wecomMaxContent || n < wecomMaxContent-3 {
		t.Errorf("content of %d bytes, want at most %d and cut on a character", n, wecomMaxContent)
	}
}

func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://ops.example/hook", "http://127.0.0.1:8080/x?y=1", "ftp://x", "https://u:p@x/", "https://", "https://x:", "mailto:a@b", " https://x", "https://例子.测试/钩子", "https://x/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		msg, ok := CheckURL(raw)
		if ok != (msg == "") {
			t.Fatalf("CheckURL(%q) = %q, %v", raw, msg, ok)
		}
		if !ok {
			return
		}
		// What is accepted can be sent to: a request builds, over http(s),
		// to a host, with no credentials in it.
		req, err := http.NewRequest(http.MethodPost, raw, nil)
		if err != nil {
			t.Fatalf("accepted %q, but no request can be made of it: %v", raw, err)
		}
		if (req.URL.Scheme != "http" && req.URL.Scheme != "https") || req.URL.Hostname() == "" || req.URL.User != nil {
			t.Fatalf("accepted %q: scheme %q host %q user %v", raw, req.URL.Scheme, req.URL.Hostname(), req.URL.User)
		}
	})
}

func FuzzChannelInput(f *testing.F) {
	f.Add(`{"type":"webhook","name":"ops","url":"https://ops.example/h","secret":"0123456789abcdef","kinds":["rescue.*"]}`)
	f.Add(`{"type":"dingtalk","name":"钉钉","url":"https://robot.example/send?access_token=x","kinds":["*","rescue.reported"]}`)
	f.Add(`{"type":"feishu","name":"","url":"javascript:alert(1)","kinds":["A.b"]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var in ChannelInput
		if json.Unmarshal([]byte(raw), &in) != nil {
			return
		}
		c, err := newChannel(in, "nch_1", "", start)
		if err != nil {
			return
		}
		if _, ok := CheckURL(c.URL); !ok || c.Name == "" || len([]rune(c.Name)) > maxName {
			t.Fatalf("accepted %+v", c)
		}
		for _, k := range c.Kinds {
			if !kindPattern.MatchString(k) {
				t.Fatalf("accepted kind %q", k)
			}
		}
		if v := c.View(); c.Secret != "" && len([]rune(c.Secret)) > 8 && strings.Contains(v.SecretHint, c.Secret) {
			t.Fatalf("the view shows the secret: %+v", v)
		}
		if _, err := robotRequest(t.Context(), c, "dlv_1", message{Title: Text{Zh: "标题", En: "Title"}}, start); err != nil {
			t.Fatalf("an accepted channel cannot be sent to: %v", err)
		}
	})
}

func TestAReceiverThatRedirectsIsNotFollowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		elsewhere := startReceiver(t, ok)
		moved := httptest.NewServer(http.RedirectHandler(elsewhere.srv.URL, http.StatusTemporaryRedirect))
		defer moved.Close()
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		f.addChannel(Channel{ID: "nch_moved", Type: TypeWebhook, Name: "moved", URL: moved.URL, Secret: "whsec-0123456789"})
		f.publish(rescueEvent("rescue:r_1:reported"))
		f.runDue()
		if elsewhere.count() != 0 {
			t.Error("the POST was sent on to where the redirect pointed")
		}
		if dl := f.deliveries()[0]; dl.State != Pending || dl.LastStatus != http.StatusTemporaryRedirect {
			t.Errorf("after a redirect: %+v", dl)
		}
	})
}

func TestAnOrganisationsChannelReachesOnlyPublicAddresses(t *testing.T) {
	for addr, want := range map[string]bool{
		"203.0.113.7": true, "8.8.8.8": true, "2001:4860:4860::8888": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fd00::1": false, "fe80::1": false, "::ffff:127.0.0.1": false, "224.0.0.1": false,
	} {
		if got := public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("public(%s) = %v, want %v", addr, got, want)
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		inside := startReceiver(t, ok)
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		err := d.InTx(t.Context(), func(tx *db.Tx) error {
			tx.MarkAudited()
			_, err := tx.Exec(t.Context(), "INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES ('org_a', 'A', 'CN', ?, ?)", start, start)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.addChannel(Channel{ID: "nch_org", OrgID: "org_a", Type: TypeWebhook, Name: "theirs", URL: inside.srv.URL, Secret: "whsec-0123456789"})
		f.addChannel(Channel{ID: "nch_vendor", Type: TypeWebhook, Name: "ours", URL: inside.srv.URL, Secret: "whsec-0123456789"})
		e := rescueEvent("rescue:r_1:reported")
		e.OrgID = "org_a"
		f.publish(e)
		f.runDue()
		if inside.count() != 1 {
			t.Errorf("the loopback receiver got %d requests, want only the vendor channel's", inside.count())
		}
		for _, dl := range f.deliveries() {
			if dl.ChannelID == "nch_org" && (dl.State != Pending || !strings.Contains(dl.LastError, "not a public address")) {
				t.Errorf("the organisation's channel to loopback: %+v", dl)
			}
		}
	})
}

func TestTheLogNeverShowsARobotsAccessToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close() // nothing listens there any more
		f := newFixture(t, d, SMTPConfig{}, relaxed)
		f.addChannel(Channel{ID: "nch_wecom", Type: TypeWeCom, Name: "企业微信", URL: closed.URL + "/cgi-bin/webhook/send?key=k-very-secret"})
		f.publish(rescueEvent("rescue:r_1:reported"))
		f.runDue()
		dl := f.deliveries()[0]
		if dl.State != Pending || dl.LastError == "" || strings.Contains(dl.LastError, "k-very-secret") || strings.Contains(dl.LastError, "/cgi-bin") {
			t.Errorf("last error %q must say what failed without the address's path or token", dl.LastError)
		}
	})
}
