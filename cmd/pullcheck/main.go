// Command pullcheck judges the pull path of every ECS service in
// CloudFormation templates (JSON or YAML), cdk.out cloud assemblies,
// Terraform root modules and Terraform plans (terraform show -json),
// whoever wrote them, without Node.js:
//
//	pullcheck [-format text|json|sarif] [-mermaid] [-require-private]
//	          [-skip-non-templates] [-terraform-roots] [-s3-prefix-list pl-...]...
//	          [-var NAME=VALUE]... [-var-file FILE]... PATH...
//	pullcheck -version
//
// A PATH is a template file, a folder holding manifest.json (a cdk.out),
// a folder of *.tf files (a Terraform root module), a plan or state JSON
// file (terraform show -json), or - for standard input. All paths of one call form one set per environment: an import of
// an export of another template of the set resolves to it. -s3-prefix-list
// names a literal prefix-list id as S3's managed list (AWS publishes no
// table of them): a rule to an id the inputs neither define nor mark is
// otherwise unknown.
//
// -skip-non-templates drops the files among the PATHs that are not
// CloudFormation templates, one line on standard error each ("pullcheck:
// skipped FILE: not a CloudFormation template"): a template has
// AWSTemplateFormatVersion at the top level, or Resources with an entry
// whose Type is AWS::..., Custom::... or Vendor::Service::Type. Without it
// such a file is an input that cannot be read (exit 2). The pre-commit hook
// pullcheck passes it, as it is given every JSON and YAML file.
//
// -terraform-roots takes the PATHs as Terraform files (*.tf, *.tf.json) and
// checks the root modules that hold or call them: a folder is a root unless
// another folder under the working directory calls it as a local module
// (source = "./..."). The pre-commit hook pullcheck-terraform passes it.
//
// -version prints pullcheck's version (its module's version from the build
// info: a release tag, a pseudo-version, or (devel); -ldflags "-X
// main.version=..." overrides it) and exits 0. The JSON report's
// toolVersion and SARIF's tool.driver.version carry it too, except for a
// (devel) build.
//
// pullcheck explain [-format text|json] MESSAGE (or - for standard input)
// classifies a stopped task's message offline: the cause, the leg of the
// pull path, the rules that find it and the fix (see the README's
// Troubleshooting). It exits 0 when it knows the message, 1 when it does
// not, and 2 with no message. A folder named explain is checked as
// ./explain.
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
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
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
		snapshot.NewReader(),
		terraform.NewPlanReader(),
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
	if len(args) > 0 && args[0] == "explain" {
		return explainCommand(args[1:], stdin, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "aws" {
		return runAWS(args[1:], stdout, stderr) // a folder named aws is ./aws
	}
	flags := flag.NewFlagSet("pullcheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	format := flags.String("format", "text", "report format: text, json or sarif")
	mermaid := flags.Bool("mermaid", false, "print each ECS service's pull path as a Mermaid flowchart instead")
	requirePrivate := flags.Bool("require-private", false, "exit 1 when a service or another launcher is not private (skipped ones and task definitions nothing launches aside)")
	skip := flags.Bool("skip-non-templates", false, "skip files that are not CloudFormation templates (no AWSTemplateFormatVersion, no Resources with AWS::... types), one line on stderr each, instead of failing on them")
	tfRoots := flags.Bool("terraform-roots", false, "take the paths as Terraform files and check the root modules that hold or call them (a folder is a root unless another folder calls it as source = \"./...\")")
	printVersion := flags.Bool("version", false, "print pullcheck's version and exit")
	var vars, varFiles, s3Lists list
	flags.Var(&s3Lists, "s3-prefix-list", "a prefix-list id (pl-...) that is S3's managed list com.amazonaws.REGION.s3 (repeatable)")
	flags.Var(&vars, "var", "a Terraform variable, NAME=VALUE (repeatable)")
	flags.Var(&varFiles, "var-file", "a Terraform variable file (repeatable)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: pullcheck [-format text|json|sarif] [-mermaid] [-require-private] [-skip-non-templates] [-terraform-roots] [-s3-prefix-list pl-...] [-var NAME=VALUE] [-var-file FILE] PATH...")
		fmt.Fprintln(stderr, "       pullcheck -version")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *printVersion {
		fmt.Fprintln(stdout, toolVersion())
		return 0
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}
	if *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(stderr, "pullcheck: -format %s: want text, json or sarif\n", *format)
		return 2
	}
	paths := flags.Args()
	if *tfRoots {
		roots, err := terraform.Roots(paths, ".")
		if err != nil {
			fmt.Fprintln(stderr, "pullcheck: -terraform-roots:", err)
			return 2
		}
		paths = roots
	}
	if *skip {
		paths = skipNonTemplates(paths, stderr)
	}
	report, err := load.Check(paths, load.Options{Stdin: stdin, Readers: readers(vars, varFiles), S3PrefixLists: s3Lists})
	report.ToolVersion = reportVersion()
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
