package load

import (
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/cloudformation"
)

func TestTemplatesAreReportedInTheOrderOfThePaths(t *testing.T) {
	// GIVEN a Terraform root module before a template, read by two readers
	paths := []string{"../testdata/terraform/nat", "../testdata/verdicts/nat.json", "../testdata/terraform/writeup-fixed"}
	// WHEN they are checked together
	r := check(t, paths...)
	// THEN the report keeps the order of the paths, not of the readers
	var got []string
	for _, tr := range r.Templates {
		got = append(got, tr.Path)
	}
	if strings.Join(got, " ") != strings.Join(paths, " ") {
		t.Errorf("templates %q, want %q", got, paths)
	}
}

func TestAnInputNoReaderTakesIsNamed(t *testing.T) {
	only := Options{Readers: []pullpath.Reader{cloudformation.NewReader(nil)}}
	for _, c := range []struct {
		name, path, want string
		opts             Options
	}{
		{"fails when the only reader does not take folders of .tf files", "../testdata/terraform/nat", "../testdata/terraform/nat: a folder without manifest.json (a cdk.out)", only},
		{"fails when no reader is given", "../testdata/verdicts/nat.json", "../testdata/verdicts/nat.json: no reader takes this file", Options{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Check([]string{c.path}, c.opts)
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
			if r == nil || len(r.Templates) != 0 {
				t.Errorf("report %+v, want an empty one", r)
			}
		})
	}
}
