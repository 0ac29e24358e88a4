package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Headers of a generic webhook. The signature covers the timestamp and the
// body, so a captured request cannot be replayed later with a new timestamp:
// a receiver checks the signature, then that the timestamp is recent.
const (
	HeaderSignature = "X-Steward-Signature" // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
	HeaderTimestamp = "X-Steward-Timestamp" // Unix seconds when the request was signed
	HeaderEvent     = "X-Steward-Event"     // the event's kind
	HeaderDelivery  = "X-Steward-Delivery"  // the delivery id; the same on every retry
)

// WebhookSignature is the value of X-Steward-Signature for a body sent at the
// Unix second timestamp.
func WebhookSignature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// dingTalkSign is the sign query parameter of a DingTalk robot with a
// signing secret: HMAC-SHA256 keyed by the secret over "timestamp\nsecret",
// base64 (the caller URL-encodes it). timestamp is in milliseconds.
func dingTalkSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// feishuSign is the sign field of a Feishu bot with signature verification:
// HMAC-SHA256 keyed by "timestamp\nsecret" over nothing, base64. timestamp
// is in seconds.
func feishuSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// webhookPayload is the JSON a generic webhook receives.
type webhookPayload struct {
	Delivery string `json:"delivery"`
	message
}

// robotText is the message as a group robot shows it: zh-CN, then English,
// then the link. markdown adds emphasis for the robots that render it.
func robotText(m message, markdown bool) string {
	var b strings.Builder
	title := func(t string) {
		if markdown {
			t = "**" + t + "**"
		}
		b.WriteString(t + "\n")
	}
	if m.Severity == SeverityCritical {
		b.WriteString("【紧急 Critical】\n")
	}
	title(m.Title.Zh)
	if m.Body.Zh != "" {
		b.WriteString(m.Body.Zh + "\n")
	}
	b.WriteString("\n")
	title(m.Title.En)
	if m.Body.En != "" {
		b.WriteString(m.Body.En + "\n")
	}
	if m.Link != "" {
		if markdown {
			b.WriteString("\n[打开 Open](" + m.Link + ")")
		} else {
			b.WriteString("\n打开 Open: " + m.Link)
		}
	}
	return b.String()
}

// wecomMaxContent is the WeCom robot's limit on a markdown message, in bytes.
const wecomMaxContent = 4096

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// robotRequest builds the POST of a channel's own JSON format, signed as the
// channel's type wants. now is when it is signed.
func robotRequest(ctx context.Context, ch Channel, deliveryID string, m message, now time.Time) (*http.Request, error) {
	target := ch.URL
	var body any
	headers := http.Header{}
	switch ch.Type {
	case TypeWebhook:
		body = webhookPayload{Delivery: deliveryID, message: m}
	case TypeWeCom:
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": truncateUTF8(robotText(m, true), wecomMaxContent)}}
	case TypeDingTalk:
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Title.Zh, "text": robotText(m, true)}}
		if ch.Secret != "" {
			u, err := url.Parse(target)
			if err != nil {
				return nil, err
			}
			ts := strconv.FormatInt(now.UnixMilli(), 10)
			q := u.Query()
			q.Set("timestamp", ts)
			q.Set("sign", dingTalkSign(ch.Secret, ts))
			u.RawQuery = q.Encode()
			target = u.String()
		}
	case TypeFeishu:
		fs := map[string]any{"msg_type": "text", "content": map[string]string{"text": robotText(m, false)}}
		if ch.Secret != "" {
			ts := strconv.FormatInt(now.Unix(), 10)
			fs["timestamp"], fs["sign"] = ts, feishuSign(ch.Secret, ts)
		}
		body = fs
	default:
		return nil, fmt.Errorf("unknown channel type %q", ch.Type)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	if ch.Type == TypeWebhook {
		ts := strconv.FormatInt(now.Unix(), 10)
		headers.Set(HeaderTimestamp, ts)
		headers.Set(HeaderSignature, WebhookSignature(ch.Secret, ts, raw))
		headers.Set(HeaderEvent, m.Kind)
		headers.Set(HeaderDelivery, deliveryID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header = headers
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Steward-Notify/1")
	return req, nil
}

// maxResponse is as much of a receiver's answer as is read: enough for the
// robots' JSON and an error message in the log.
const maxResponse = 64 << 10

// checkResponse turns a receiver's answer into an error: a status other than
// 2xx, or a robot that answered 200 with an error code in its JSON (WeCom and
// DingTalk errcode, Feishu code).
func checkResponse(chType string, status int, body []byte) error {
	if status < 200 || status > 299 {
		return fmt.Errorf("HTTP %d: %s", status, snippet(body))
	}
	if chType == TypeWebhook {
		return nil
	}
	var answer struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
		Code    *int   `json:"code"`
		Msg     string `json:"msg"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return fmt.Errorf("the %s robot answered something other than JSON: %s", chType, snippet(body))
	}
	code, msg := answer.ErrCode, answer.ErrMsg
	if chType == TypeFeishu {
		code, msg = answer.Code, answer.Msg
	}
	if code != nil && *code != 0 {
		return fmt.Errorf("the %s robot refused the message: code %d: %s", chType, *code, msg)
	}
	return nil
}

func snippet(body []byte) string {
	return truncateUTF8(strings.TrimSpace(string(body)), 300)
}

// post sends a channel's request; it returns the HTTP status (0 when none
// came back) and why it failed.
func post(client *http.Client, req *http.Request, chType string) (int, error) {
	resp, err := client.Do(req)
	if err != nil {
		// The client's error names the address, and a robot's address holds
		// its access token: the delivery log must not show it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("sending to %s://%s: %w", req.URL.Scheme, req.URL.Host, ue.Err)
		}
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, checkResponse(chType, resp.StatusCode, body)
}
