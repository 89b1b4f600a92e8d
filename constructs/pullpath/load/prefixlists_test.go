package load

import (
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

func TestALiteralPrefixListIsS3sOnlyWhereNamed(t *testing.T) {
	file := "../testdata/verdicts/prefix-list-literal.yaml"
	// GIVEN a rule to a literal prefix list nothing marks
	s := check(t, file).Templates[0].Services[0]
	// THEN the verdict waits on it, and the unknown names the id
	if s.Verdict != pullpath.Undecided || !strings.Contains(strings.Join(s.Unknowns, "\n"), "pl-6da54004") {
		t.Errorf("%s %q, want undecided naming pl-6da54004", s.Verdict, s.Unknowns)
	}
	// WHEN the caller names the id as S3's, THEN the path is private and why says so
	o := opts(nil)
	o.S3PrefixLists = []string{"pl-6da54004"}
	r, err := Check([]string{file}, o)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Templates[0].Services[0]; s.Verdict != pullpath.Private || !strings.Contains(s.Why, "pl-6da54004 taken as S3's: the template's metadata or the caller names it") {
		t.Errorf("named: %s (%s)", s.Verdict, s.Why)
	}
	// and another id named changes nothing
	o.S3PrefixLists = []string{"pl-00000000"}
	if r, _ := Check([]string{file}, o); r.Templates[0].Services[0].Verdict != pullpath.Undecided {
		t.Errorf("another id named: %s", r.Templates[0].Services[0].Verdict)
	}
}

func TestS3ListNameIsS3sOnly(t *testing.T) {
	for name, want := range map[string]bool{
		"com.amazonaws.eu-west-1.s3":         true,
		"com.amazonaws.${AWS::Region}.s3":    true,
		"cn.com.amazonaws.cn-north-1.s3":     true,
		"com.amazonaws.eu-west-1.dynamodb":   false,
		"com.amazonaws.eu-west-1.s3express":  false,
		"com.amazonaws.global.cloudfront.s3": false,
		"corporate.s3":                       false,
	} {
		if got := pullpath.S3ListName(name); got != want {
			t.Errorf("S3ListName(%q) = %v, want %v", name, got, want)
		}
	}
}
