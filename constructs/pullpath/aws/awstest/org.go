package awstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// CallerKey is the access key of the Org's caller (the management account
// or a delegated administrator).
const CallerKey = "AKIDCALLER"

// Org is an organization behind one httptest server on 127.0.0.1: the
// caller's STS (AssumeRole, query XML) and Organizations (ListAccounts,
// JSON 1.1), and a Server for each account and region, chosen by the
// access key and the region of each request's SigV4 Authorization header.
// Each account's session has its own access key and token; the Org
// records which keys each account and region saw.
type Org struct {
	// Caller is the caller's account.
	Caller string
	// Suspended accounts are listed, but not ACTIVE.
	Suspended []string
	// NoRole are the accounts whose role cannot be assumed (AccessDenied).
	NoRole map[string]bool
	// Regions are the regions each account has enabled (ec2:DescribeRegions).
	Regions map[string][]string
	// Page is how many accounts a ListAccounts page holds (default 5).
	Page int
	// Latency delays every answer.
	Latency time.Duration

	mu       sync.Mutex
	pairs    map[string]*Server // by ACCOUNT/REGION
	accounts []string
	keys     map[string]map[string]bool // ACCOUNT/REGION -> access keys seen
	calls    map[string]int             // calls the Org answers itself, by action
	inFlight atomic.Int64
	maxIn    atomic.Int64
	srv      *httptest.Server
}

// NewOrg starts an organization whose caller is account caller.
func NewOrg(t testing.TB, caller string) *Org {
	o := &Org{Caller: caller, NoRole: map[string]bool{}, Regions: map[string][]string{}, pairs: map[string]*Server{},
		keys: map[string]map[string]bool{}, calls: map[string]int{}}
	o.srv = httptest.NewServer(o)
	t.Cleanup(o.srv.Close)
	return o
}

// Add makes acct (its account and region) part of the organization and
// returns its Server, for Deny, Throttle and Count.
func (o *Org) Add(acct *snapshot.Snapshot) *Server {
	f := &Server{acct: acct, Deny: map[string]bool{}, Throttle: map[string]int{}, calls: map[string]int{}}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pairs[acct.Account+"/"+acct.Region] = f
	if !slices.Contains(o.accounts, acct.Account) {
		o.accounts = append(o.accounts, acct.Account)
		slices.Sort(o.accounts)
	}
	if !slices.Contains(o.Regions[acct.Account], acct.Region) {
		o.Regions[acct.Account] = append(o.Regions[acct.Account], acct.Region)
	}
	return f
}

// URL is the server's address, for AWS_ENDPOINT_URL.
func (o *Org) URL() string { return o.srv.URL }

// Config is an SDK config with the caller's credentials, sending every
// client to the organization, with a standard retryer that does not wait.
func (o *Org) Config(region string) aws.Config {
	f := &Server{acct: &snapshot.Snapshot{Region: region}, srv: o.srv}
	cfg := f.Config()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(CallerKey, "caller-secret", "")
	return cfg
}

// SessionKey is the access key of account's assumed session.
func SessionKey(account string) string { return "ASIA" + account }

// Keys are the access keys the account and region saw, sorted.
func (o *Org) Keys(account, region string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for k := range o.keys[account+"/"+region] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Count is how many calls of action the Org answered itself:
// sts:AssumeRole, organizations:ListAccounts, ec2:DescribeRegions.
func (o *Org) Count(action string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.calls[action]
}

// Calls is how many calls were answered in all, retries included.
func (o *Org) Calls() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, c := range o.calls {
		n += c
	}
	for _, f := range o.pairs {
		for _, c := range f.Calls() {
			n += c
		}
	}
	return n
}

// MaxInFlight is the most calls that were answered at once.
func (o *Org) MaxInFlight() int { return int(o.maxIn.Load()) }

// scope reads the access key, region and service of a SigV4 request.
func scope(r *http.Request) (key, region, service string) {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return "", "", ""
	}
	return parts[0], parts[2], parts[3]
}

// ServeHTTP answers one call.
func (o *Org) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := o.inFlight.Add(1)
	defer o.inFlight.Add(-1)
	for {
		m := o.maxIn.Load()
		if n <= m || o.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	if o.Latency > 0 {
		time.Sleep(o.Latency)
	}
	key, region, service := scope(r)
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	form, _ := url.ParseQuery(string(body))
	account := ""
	switch {
	case key == CallerKey:
		account = o.Caller
		if r.Header.Get("X-Amz-Target") == "AWSOrganizationsV20161128.ListAccounts" {
			o.count("organizations:ListAccounts")
			o.listAccounts(w, body)
			return
		}
		if service == "sts" && form.Get("Action") == "AssumeRole" {
			o.count("sts:AssumeRole")
			o.assumeRole(w, form)
			return
		}
	case strings.HasPrefix(key, "ASIA"):
		account = strings.TrimPrefix(key, "ASIA")
		if r.Header.Get("X-Amz-Security-Token") != "token-"+account {
			queryError(w, 403, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
	default:
		queryError(w, 403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	if service == "ec2" && form.Get("Action") == "DescribeRegions" {
		o.count("ec2:DescribeRegions")
		o.describeRegions(w, account)
		return
	}
	o.mu.Lock()
	f := o.pairs[account+"/"+region]
	if f != nil {
		if o.keys[account+"/"+region] == nil {
			o.keys[account+"/"+region] = map[string]bool{}
		}
		o.keys[account+"/"+region][key] = true
	}
	o.mu.Unlock()
	if f == nil {
		// an account and region with nothing in it
		f = &Server{acct: &snapshot.Snapshot{Account: account, Region: region}, Deny: map[string]bool{}, Throttle: map[string]int{}, calls: map[string]int{}}
	}
	f.ServeHTTP(w, r)
}

func (o *Org) count(action string) {
	o.mu.Lock()
	o.calls[action]++
	o.mu.Unlock()
}

func queryError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	var b strings.Builder
	x("ErrorResponse", x("Error", x("Type", "Sender"), x("Code", code), x("Message", msg)), x("RequestId", "c6104cbe-example")).write(&b)
	io.WriteString(w, b.String())
}

// assumeRole answers sts:AssumeRole: a session whose access key names
// the account, or AccessDenied for the accounts of NoRole.
func (o *Org) assumeRole(w http.ResponseWriter, form url.Values) {
	role := form.Get("RoleArn")
	_, rest, _ := strings.Cut(role, ":iam::")
	account, name, _ := strings.Cut(rest, ":role/")
	o.mu.Lock()
	known := slices.Contains(o.accounts, account)
	o.mu.Unlock()
	if o.NoRole[account] || !known || form.Get("RoleSessionName") == "" {
		queryError(w, 403, "AccessDenied", "User: arn:aws:iam::"+o.Caller+":user/auditor is not authorized to perform: sts:AssumeRole on resource: "+role)
		return
	}
	var b strings.Builder
	x("AssumeRoleResponse",
		x("AssumeRoleResult",
			x("Credentials", x("AccessKeyId", SessionKey(account)), x("SecretAccessKey", "secret-"+account), x("SessionToken", "token-"+account),
				x("Expiration", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))),
			x("AssumedRoleUser", x("Arn", "arn:aws:sts::"+account+":assumed-role/"+name+"/"+form.Get("RoleSessionName")),
				x("AssumedRoleId", "AROA3XFRBF535EXAMPLE:"+form.Get("RoleSessionName")))),
		x("ResponseMetadata", x("RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7"))).write(&b)
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, b.String())
}

// listAccounts answers organizations:ListAccounts, Page accounts a page;
// only the caller may list.
func (o *Org) listAccounts(w http.ResponseWriter, body []byte) {
	var in struct {
		NextToken  string
		MaxResults int
	}
	_ = json.Unmarshal(body, &in)
	o.mu.Lock()
	all := slices.Clone(o.accounts)
	o.mu.Unlock()
	for _, s := range o.Suspended {
		if !slices.Contains(all, s) {
			all = append(all, s)
		}
	}
	size := o.Page
	if size <= 0 {
		size = 5
	}
	if in.MaxResults > 0 && in.MaxResults < size {
		size = in.MaxResults
	}
	start, _ := strconv.Atoi(in.NextToken)
	end := min(start+size, len(all))
	var accounts []map[string]any
	for _, id := range all[min(start, end):end] {
		state := "ACTIVE"
		if slices.Contains(o.Suspended, id) {
			state = "SUSPENDED"
		}
		accounts = append(accounts, map[string]any{"Id": id, "Arn": "arn:aws:organizations::" + o.Caller + ":account/o-exampleorgid/" + id,
			"Email": "aws+" + id + "@example.com", "Name": "account-" + id, "Status": state, "State": state, "JoinedMethod": "CREATED", "JoinedTimestamp": 1.7e9})
	}
	out := map[string]any{"Accounts": accounts}
	if end < len(all) {
		out["NextToken"] = strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

// describeRegions answers ec2:DescribeRegions: the account's regions.
func (o *Org) describeRegions(w http.ResponseWriter, account string) {
	o.mu.Lock()
	regions := slices.Clone(o.Regions[account])
	o.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	x("DescribeRegionsResponse", x("requestId", "59dbff89-35bd-4eac-99ed-be587EXAMPLE"),
		set("regionInfo", regions, func(r string) []xe {
			return []xe{x("regionName", r), x("regionEndpoint", fmt.Sprintf("ec2.%s.amazonaws.com", r)), x("optInStatus", "opt-in-not-required")}
		})).write(&b)
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, b.String())
}
