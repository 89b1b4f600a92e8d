// Command pullcheck judges the pull path of every ECS service in
// CloudFormation templates (JSON or YAML), cdk.out cloud assemblies and
// Terraform root modules, whoever wrote them, without Node.js:
//
//	pullcheck [-format text|json|sarif] [-mermaid] [-require-private]
//	          [-s3-prefix-list pl-...]... [-var NAME=VALUE]... [-var-file FILE]... PATH...
//
// A PATH is a template file, a folder holding manifest.json (a cdk.out),
// a folder of *.tf files (a Terraform root module), or - for standard
// input. All paths of one call form one set per environment: an import of
// an export of another template of the set resolves to it. -s3-prefix-list
// names a literal prefix-list id as S3's managed list (AWS publishes no
// table of them): a rule to an id the inputs neither define nor mark is
// otherwise unknown.
//
// Each service gets a verdict: private, internet, broken, undecided or
// skipped (see the README). It exits 0 when nothing is broken, 1 when an
// error finding is not acknowledged (or, with -require-private, when a
// service is not private or skipped), and 2 when an input cannot be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/cloudformation"
	"github.com/privatepull/privatepull/constructs/pullpath/load"
	"github.com/privatepull/privatepull/constructs/pullpath/terraform"
)

// readers are the front ends pullcheck reads, asked in this order whether
// they take an input: CloudFormation takes every file, so a reader that
// tells a file apart by its content goes before it. A new front end is one
// more entry here.
func readers(vars, varFiles []string) []pullpath.Reader {
	return []pullpath.Reader{
		cloudformation.NewReader(nil),
		terraform.NewReader(terraform.Options{Vars: vars, VarFiles: varFiles, Env: os.Environ()}),
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type list []string

func (l *list) String() string     { return fmt.Sprint(*l) }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("pullcheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	format := flags.String("format", "text", "report format: text, json or sarif")
	mermaid := flags.Bool("mermaid", false, "print each ECS service's pull path as a Mermaid flowchart instead")
	requirePrivate := flags.Bool("require-private", false, "exit 1 when a service is not private (skipped ones aside)")
	var vars, varFiles, s3Lists list
	flags.Var(&s3Lists, "s3-prefix-list", "a prefix-list id (pl-...) that is S3's managed list com.amazonaws.REGION.s3 (repeatable)")
	flags.Var(&vars, "var", "a Terraform variable, NAME=VALUE (repeatable)")
	flags.Var(&varFiles, "var-file", "a Terraform variable file (repeatable)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: pullcheck [-format text|json|sarif] [-mermaid] [-require-private] [-s3-prefix-list pl-...] [-var NAME=VALUE] [-var-file FILE] PATH...")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}
	if *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(stderr, "pullcheck: -format %s: want text, json or sarif\n", *format)
		return 2
	}
	report, err := load.Check(flags.Args(), load.Options{Stdin: stdin, Readers: readers(vars, varFiles), S3PrefixLists: s3Lists})
	switch {
	case *mermaid:
		fmt.Fprint(stdout, report.Mermaid())
	case *format == "json":
		report.WriteJSON(stdout)
	case *format == "sarif":
		report.WriteSARIF(stdout)
	default:
		report.WriteText(stdout)
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "pullcheck:", line)
		}
		return 2
	}
	if report.Failed(*requirePrivate) {
		return 1
	}
	return 0
}
