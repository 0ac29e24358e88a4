package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// maxDocument bounds a public document the CLI reads (keys, revocation
// list); the largest, a revocation list, is refused by its reader beyond 4 MiB.
const maxDocument = 8 << 20

// readDocument reads one of the server's public documents (the keys of
// GET /api/v1/keys, the revocation list): from a saved file, from a URL, or
// from the server's path when from is "". Verifiers use it to work online
// or offline alike.
func readDocument(ctx context.Context, c *apiClient, from, path string) ([]byte, error) {
	isURL := strings.HasPrefix(from, "http://") || strings.HasPrefix(from, "https://")
	if from != "" && !isURL {
		return os.ReadFile(from)
	}
	if isURL {
		var err error
		if c, err = newAPIClient(from, ""); err != nil {
			return nil, err
		}
		path = ""
	}
	if c == nil {
		return nil, fmt.Errorf("give --server, or a file or URL to read %s from: %w", path, errUsage)
	}
	req, err := c.newRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		return nil, readServerError(res)
	}
	return io.ReadAll(io.LimitReader(res.Body, maxDocument))
}
