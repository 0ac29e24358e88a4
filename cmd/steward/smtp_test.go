package main

import (
	"strings"
	"testing"
)

func TestServeRefusesAnSMTPServerWithoutASender(t *testing.T) {
	dir := t.TempDir()
	if _, err := steward(t, "", "serve", "--data", dir, "--addr", "127.0.0.1:0", "--smtp-addr", "127.0.0.1:25"); err == nil || !strings.Contains(err.Error(), "--smtp-from") {
		t.Errorf("--smtp-addr without --smtp-from: %v", err)
	}
	if _, err := steward(t, "", "serve", "--data", dir, "--addr", "127.0.0.1:0", "--smtp-addr", "mail.example", "--smtp-from", "steward@vendor.example"); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("--smtp-addr without a port: %v", err)
	}
	if _, err := steward(t, "", "serve", "--data", dir, "--addr", "127.0.0.1:0", "--public-url", "steward.example.com"); err == nil || !strings.Contains(err.Error(), "--public-url") {
		t.Errorf("--public-url without a scheme: %v", err)
	}
	// The password has no flag: a flag's value shows in the process list.
	if _, err := steward(t, "", "serve", "--data", dir, "--smtp-password", "x"); err == nil || !strings.Contains(err.Error(), "smtp-password") {
		t.Errorf("--smtp-password was accepted: %v", err)
	}
}
