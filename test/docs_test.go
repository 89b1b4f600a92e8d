package test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullapp"
	"github.com/privatepull/privatepull/constructs/pullpath"
)

func readme(t *testing.T) string {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// section returns the README's text under the heading "## name".
func section(t *testing.T, name string) string {
	text := readme(t)
	start := strings.Index(text, "\n## "+name+"\n")
	if start < 0 {
		t.Fatalf("README has no section %q", name)
	}
	rest := text[start+1:]
	if end := strings.Index(rest[3:], "\n## "); end >= 0 {
		rest = rest[:end+3]
	}
	return rest
}

func TestReadmeContextKeysAreTheAppsKeys(t *testing.T) {
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| (`[^|]+`) \\|").FindAllStringSubmatch(section(t, "Configuration (context keys)"), -1) {
		for _, k := range regexp.MustCompile("`([a-zA-Z]+)`").FindAllStringSubmatch(m[1], -1) {
			documented = append(documented, k[1])
		}
	}
	slices.Sort(documented)
	keys := slices.Clone(pullapp.Keys)
	slices.Sort(keys)
	if !slices.Equal(documented, keys) {
		t.Errorf("README documents context keys %v, the app reads %v", documented, keys)
	}
}

func TestReadmeRuleTableListsEveryRule(t *testing.T) {
	text := section(t, "Checking any stack: the pull-path rules")
	for id := range pullpath.RuleDocs {
		if !strings.Contains(text, "`"+id+"`") || !strings.Contains(text, `<a id="`+strings.ToLower(id)+`"></a>`) {
			t.Errorf("README's rule table lacks %s or its anchor (the findings' help link)", id)
		}
	}
}

// Every synth, check and test command the README shows runs in CI (deploy
// commands are shown, not run: there is no AWS account).
func TestReadmeCommandsRunInCI(t *testing.T) {
	ci, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme(t), -1)
	n := 0
	for _, b := range blocks {
		for _, line := range strings.Split(strings.ReplaceAll(b[1], "\\\n", " "), "\n") {
			cmd := strings.TrimSpace(strings.SplitN(line, "#", 2)[0])
			if cmd == "" || strings.Contains(cmd, " deploy") || strings.HasPrefix(cmd, "go get ") {
				continue
			}
			n++
			if !strings.Contains(string(ci), cmd) {
				t.Errorf("README command %q does not run in .ci/run", cmd)
			}
		}
	}
	if n < 3 {
		t.Errorf("found only %d README commands", n)
	}
}
