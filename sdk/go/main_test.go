package triggers_test

// Every test in this package talks to a real Triggers API: the one TRIGGERS_API_URL and
// TRIGGERS_ADMIN_TOKEN name, or one TestMain starts with `npx tsx test/sdk/support/serve-test-api.ts`
// (in-memory store, chaos engine on) and stops at the end.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"aftershock.dev/triggers"
)

var server struct {
	url, adminToken string
}

func TestMain(m *testing.M) {
	server.url, server.adminToken = os.Getenv("TRIGGERS_API_URL"), os.Getenv("TRIGGERS_ADMIN_TOKEN")
	var stop func()
	if server.url == "" {
		var err error
		if stop, err = startServer(); err != nil {
			fmt.Fprintln(os.Stderr, "cannot start the Triggers API for the Go tests:", err, "(run `npm install` at the repository root, or set TRIGGERS_API_URL and TRIGGERS_ADMIN_TOKEN)")
			os.Exit(2)
		}
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	if examples.dir != "" {
		os.RemoveAll(examples.dir)
	}
	os.Exit(code)
}

// startServer runs the repository's test server and reads its one-line JSON announcement (60 s bound).
func startServer() (func(), error) {
	root, err := filepath.Abs("../..")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("npx", "tsx", "test/sdk/support/serve-test-api.ts", "--max-seconds", "240")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadBytes('\n')
		if err == nil {
			var info struct {
				URL        string `json:"url"`
				AdminToken string `json:"admin_token"`
			}
			if err = json.Unmarshal(line, &info); err == nil {
				server.url, server.adminToken = info.URL, info.AdminToken
			}
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			stop()
			return nil, err
		}
		return stop, nil
	case <-time.After(60 * time.Second):
		stop()
		return nil, fmt.Errorf("no announcement within 60 s")
	}
}

// testContext bounds every test to 30 s.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newKey creates a key with the admin token; input.Name defaults to the test's name.
func newKey(t *testing.T, input triggers.CreateAPIKeyInput) *triggers.CreatedAPIKey {
	t.Helper()
	if input.Name == "" {
		input.Name = t.Name()
	}
	key, err := triggers.NewClient(server.adminToken, server.url).APIKeys.Create(testContext(t), input)
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	return key
}
