package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTPConfig is the mail server e-mail deliveries go through. With Addr empty
// e-mail is off: its deliveries are recorded as skipped.
type SMTPConfig struct {
	Addr     string // host:port
	From     string // the sender, "Name <address>" or a bare address
	Username string // AUTH PLAIN when set
	Password string // read only from STEWARD_SMTP_PASSWORD

	// rootCAs verifies the server's STARTTLS certificate; nil means the
	// system's roots. Tests trust their own loopback server's certificate.
	rootCAs *x509.CertPool
}

// Check refuses a configuration that could send nothing: a server without a
// valid sender address.
func (c SMTPConfig) Check() error {
	if c.Addr == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--smtp-addr %q must be host:port", c.Addr)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("--smtp-from %q must be an e-mail address (\"Name <address>\" or address) when --smtp-addr is set", c.From)
	}
	return nil
}

// noSMTP is why an e-mail delivery without a server is skipped.
var noSMTP = skipped{"no SMTP server is configured (--smtp-addr / STEWARD_SMTP_ADDR): e-mail is off"}

// smtpCode is the server's reply code in err, for the delivery log; 0 when
// the failure was not an SMTP reply.
func smtpCode(err error) int {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code
	}
	return 0
}

// sendMail delivers one message: STARTTLS when the server offers it, AUTH
// PLAIN when a username is configured, everything within the deadline.
func sendMail(ctx context.Context, cfg SMTPConfig, deadline time.Time, to Address, msg []byte) error {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return fmt.Errorf("--smtp-from %q is not an e-mail address: %w", cfg.From, err)
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("--smtp-addr %q is not host:port: %w", cfg.Addr, err)
	}
	dialer := net.Dialer{Deadline: deadline}
	conn, err := dialer.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return err
	}
	// The deadline covers the whole conversation: a server that stops
	// answering half-way cannot hold the job runner.
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return err
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, RootCAs: cfg.rootCAs}); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Email); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// mailMessage is the RFC 5322 message of an e-mail delivery: UTF-8 plain
// text, base64 in lines of 76, the subject RFC 2047-encoded, zh-CN first.
func mailMessage(from string, to Address, m message, deliveryID string, at time.Time) ([]byte, error) {
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("--smtp-from %q is not an e-mail address: %w", from, err)
	}
	domain := sender.Address[strings.LastIndexByte(sender.Address, '@')+1:]
	subject := m.Title.Zh + " / " + m.Title.En
	if m.Severity == SeverityCritical {
		subject = "【紧急 Critical】" + subject
	}
	var h bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&h, "%s: %s\r\n", k, v) }
	header("From", sender.String())
	header("To", (&mail.Address{Name: to.Name, Address: to.Email}).String())
	header("Subject", mime.BEncoding.Encode("UTF-8", subject))
	header("Date", at.Format(time.RFC1123Z))
	header("Message-ID", "<"+deliveryID+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	h.WriteString("\r\n")
	body := base64.StdEncoding.EncodeToString([]byte(mailText(m)))
	for len(body) > 76 {
		h.WriteString(body[:76] + "\r\n")
		body = body[76:]
	}
	h.WriteString(body + "\r\n")
	return h.Bytes(), nil
}

// mailText is the body: the Chinese text, then the English, each with the link.
func mailText(m message) string {
	var b strings.Builder
	part := func(title, body, open string) {
		b.WriteString(title + "\n\n")
		if body != "" {
			b.WriteString(body + "\n\n")
		}
		if m.Link != "" {
			b.WriteString(open + m.Link + "\n")
		}
	}
	part(m.Title.Zh, m.Body.Zh, "打开：")
	b.WriteString("\n----\n\n")
	part(m.Title.En, m.Body.En, "Open: ")
	return b.String()
}
