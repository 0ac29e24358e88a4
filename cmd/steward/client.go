package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// apiClient talks to a running Steward server's JSON API for the CLI
// commands that work remotely (steward patch …).
type apiClient struct {
	base  string // "http://host:port", without a trailing slash
	token string // sent as a Bearer token when not ""
	lang  string // Accept-Language, so problems come back in the user's language
	http  *http.Client
}

func newAPIClient(server, token string) (*apiClient, error) {
	server = strings.TrimRight(server, "/")
	if !strings.HasPrefix(server, "http://") && !strings.HasPrefix(server, "https://") {
		return nil, fmt.Errorf("--server must be the server's URL, like http://127.0.0.1:8080: %w", errUsage)
	}
	return &apiClient{base: server, token: token, lang: userLanguage(), http: &http.Client{}}, nil
}

// userLanguage picks zh-CN for a Chinese locale in the environment and
// English otherwise, the way a terminal user would expect.
func userLanguage() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return "zh-CN"
			}
			return "en"
		}
	}
	return "en"
}

// newRequest builds a request to path on the server with the client's
// credentials and language.
func (c *apiClient) newRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept-Language", c.lang)
	return req, nil
}

// call sends in as JSON (when not nil) and decodes a 2xx answer into out
// (when not nil); any other answer becomes a *serverError.
func (c *apiClient) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, out)
}

// send performs req and decodes its answer like call.
func (c *apiClient) send(req *http.Request, out any) error {
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		return readServerError(res)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: unreadable answer: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// serverError is an RFC 9457 problem the server answered with.
type serverError struct {
	Status int
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func readServerError(res *http.Response) error {
	e := &serverError{Status: res.StatusCode}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(raw, e) != nil || e.Detail == "" {
		// Not a problem document (a proxy's error page): its start, on one line.
		e.Detail = strings.Join(strings.Fields(string(raw)), " ")
		if r := []rune(e.Detail); len(r) > 200 {
			e.Detail = string(r[:200]) + "…"
		}
		if e.Detail == "" {
			e.Detail = http.StatusText(res.StatusCode)
		}
	}
	return e
}

// Error is the problem's localised detail and each field at fault, named as
// the flag that sets it where there is one (applies_to → --applies-to).
func (e *serverError) Error() string {
	msg := fmt.Sprintf("%s (HTTP %d", e.Detail, e.Status)
	if e.Code != "" {
		msg += ", " + e.Code
	}
	msg += ")"
	for _, f := range e.Errors {
		msg += fmt.Sprintf("\n  %s: %s", flagName(f.Field), f.Message)
	}
	return msg
}

// flagName turns a JSON field path (title.zh, requires[1]) into the flag that
// sets it (--title-zh, --requires).
func flagName(field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	return "--" + strings.NewReplacer("_", "-", ".", "-").Replace(field)
}

// retryable reports whether trying the same request again may succeed: the
// connection failed, or the server was busy or failing, not refusing.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var se *serverError
	if errors.As(err, &se) {
		return se.Status >= 500 || se.Status == http.StatusTooManyRequests || se.Status == http.StatusRequestTimeout
	}
	return true
}

// withRetries runs try up to attempts times while its error is retryable,
// waiting delay, then twice as long, between tries.
func withRetries(ctx context.Context, attempts int, delay time.Duration, try func() error, onRetry func(error, time.Duration)) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = try(); err == nil || !retryable(err) || i == attempts-1 {
			return err
		}
		onRetry(err, delay)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
		delay *= 2
	}
	return err
}
