# Self-test of the Test::Nginx::Socket runner (t/lib) with plain nginx
# features only; no module is loaded.  The file sticks to documented
# Test::Nginx behaviour so that it also passes with the CPAN Test::Nginx,
# except for the checks marked "this runner only" at the end.

use Test::Nginx::Socket;

use File::Temp ();
use IO::Socket::INET ();
use POSIX ();

repeat_each(2);

# per repeat: the test blocks below; once: the shutdown_error_log checks
# of TEST 26 (made when TEST 27 restarts nginx) and the out-of-process
# checks of run_nested_checks()
plan tests => repeat_each() * 97 + 2 + 16;

no_shuffle();
no_long_string();
env_to_nginx("SELFTEST_ENV=1");

add_block_preprocessor(sub {
    my $block = shift;

    # "--- req_path: /x" is a shorthand for "--- request: GET /x"
    my $path = $block->req_path;
    if (defined $path && !defined $block->request) {
        $block->set_value("request", "GET $path");
    }
});

add_response_body_check(sub {
    my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_;

    my $want = $block->body_length;
    return unless defined $want;

    SKIP: {
        skip $block->name . " - body_length - skipped due to $dry_run", 1
            if $dry_run;
        is(length($body // ''), $want,
           $block->name . " - body_length (req $repeated_req_idx)");
    }
});

run_tests();

run_nested_checks();


# Runs small test files in a separate perl with their own port and server
# root, to check that failures are detected and reported.
sub run_nested {
    my ($name, $env, $body) = @_;

    my $dir = File::Temp::tempdir(CLEANUP => 1);
    my $file = "$dir/$name.t";

    open my $out, '>', $file or die "cannot write $file: $!";
    print $out $body;
    close $out;

    my $probe = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                      LocalPort => 0, Listen => 1)
        or die "cannot find a free port: $!";
    my $port = $probe->sockport;
    close $probe;

    my %env = (
        TEST_NGINX_PORT     => $port,
        TEST_NGINX_SERVROOT => "$dir/servroot",
        %$env,
    );

    pipe my $rd, my $wr or die "pipe: $!";

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        close $rd;
        open STDOUT, '>&', $wr;
        open STDERR, '>&', $wr;
        delete $ENV{TEST_NGINX_SERVER_PORT};
        delete $ENV{TEST_NGINX_CLIENT_PORT};
        @ENV{keys %env} = values %env;
        exec($^X, (map { "-I$_" } grep { !ref } @INC), $file)
            or POSIX::_exit(127);
    }

    close $wr;
    my $tap = do { local $/; <$rd> };
    close $rd;
    waitpid $pid, 0;

    return ($tap, "$dir/servroot");
}

sub run_nested_checks {
    my ($tap) = run_nested('bad', {}, <<'_EOT_');
use Test::Nginx::Socket;
no_shuffle();
plan tests => 10;
run_tests();
__DATA__

=== TEST 1: wrong body
--- config
    location = /t { add_header X-A a; return 200 "one\n"; }
--- request
GET /t
--- response_body
two

=== TEST 2: wrong header, wrong status
--- request
GET /t
--- error_code: 201
--- response_headers
X-A: b

=== TEST 3: timeout without abort
--- config
    location = /t { return 200 "kept\n"; }
--- more_headers
Connection: keep-alive
--- timeout: 100ms
--- request
GET /t
--- response_body
kept

=== TEST 4: error log expectations not met
--- config
--- request
GET /missing.txt
--- error_code: 404
--- error_log
this text is not logged
--- no_error_log
No such file or directory
_EOT_

    my @expect_fail = (
        qr/TEST 1: wrong body - response_body/,
        qr/TEST 2: wrong header, wrong status - status code ok/,
        qr/TEST 2: wrong header, wrong status - header X-A ok/,
        qr/ERROR: client socket timed out - \S+ TEST 3:/,
        qr/TEST 4: .* pattern "this text is not logged" should match/,
        qr/TEST 4: .* pattern "No such file or directory" should not match/,
    );

    for my $re (@expect_fail) {
        like($tap, qr/^not ok \d+ - .*$re/m, "nested: failure reported: $re");
    }

    like($tap, qr/^ok \d+ - \S+ TEST 3: timeout without abort - response_body/m,
         "nested: data read before the timeout is still checked");

    unlike($tap, qr/^ok \d+ - \S+ TEST 1: wrong body - response_body/m,
           "nested: a wrong body never passes");

    ($tap) = run_nested('plan', {}, <<'_EOT_');
use Test::Nginx::Socket;
repeat_each(3);
plan tests => repeat_each() * 2 * blocks();
run_tests();
__DATA__

=== TEST 1: a
--- config
    location = /t { return 200 "a\n"; }
--- request
GET /t
--- response_body
a

=== TEST 2: b
--- config
    location = /t { return 200 "b\n"; }
--- request
GET /t
--- response_body
b
_EOT_

    like($tap, qr/^1\.\.12$/m, "nested: plan from repeat_each and blocks");
    is(scalar(() = $tap =~ /^ok \d+/mg), 12, "nested: all 12 tests pass");

  SKIP: {
        skip "this runner only: behaviour differs from the CPAN Test::Nginx",
             6 unless Test::Nginx::Socket->can('wait_nginx');

        my $t0 = time;
        my $servroot;

        ($tap, $servroot) = run_nested('broken', {}, <<'_EOT_');
use Test::Nginx::Socket 'no_plan';
no_shuffle();
run_tests();
__DATA__

=== TEST 1: nginx.conf error without must_die
--- config
    location = /t { this_is_not_a_directive; }
--- request
GET /t
--- response_body
never

=== TEST 2: the next block still runs
--- config
    location = /t { return 200 "fine\n"; }
--- request
GET /t
--- response_body
fine

=== TEST 3: nginx crashes
--- config
    location = /t { return 200 "fine\n"; }
--- init
open my $fh, '<', server_root() . '/logs/nginx.pid' or die "no pid: $!";
my $pid = <$fh>;
kill 'SEGV', $pid;
select undef, undef, undef, 0.1;
--- request
GET /t
--- response_body
fine
_EOT_

        like($tap, qr/^not ok 1 - .*TEST 1: .*nginx failed to start/m,
             "nested: a start failure is a test failure");
        like($tap, qr/unknown directive "this_is_not_a_directive"/,
             "nested: the failure shows the nginx error");
        like($tap, qr/^ok \d+ - \S+ TEST 2: .*response_body/m,
             "nested: later blocks still run");
        my $crash = 'is gone: it was killed by signal 11';
        like($tap, qr/^not ok \d+ - \S+ TEST 3: .* \Q$crash\E/m,
             "nested: a crashed nginx is a failure naming the signal");
        ok(time - $t0 < 8, "nested: no long retry loop on a start failure");

        ($tap, $servroot) = run_nested('master', {}, <<'_EOT_');
use Test::Nginx::Socket;
master_on();
workers(2);
run_tests();
__DATA__

=== TEST 1: master process and two workers, no plan at all
--- config
    location = /t { return 200 "$pid\n"; }
--- request
GET /t
--- response_body_like: ^\d+$
_EOT_

        my $left = 0;
        for my $cmd (glob '/proc/[0-9]*/cmdline') {
            open my $fh, '<', $cmd or next;
            my $c = do { local $/; <$fh> } // '';
            $left++ if $c =~ /nginx/ && index($c, $servroot) >= 0;
        }

        ok($tap =~ /^1\.\.2$/m && $tap !~ /^not ok/m && !$left,
           "nested: no plan means done_testing; nginx stopped at the end")
            or diag($tap);
    }
}

__DATA__

=== TEST 1: sanity: return with a body
--- config
    location = /t {
        return 200 "hello\n";
    }
--- request
GET /t
--- response_body
hello
--- no_error_log
[error]
[alert]



=== TEST 2: response_headers: multi-valued and absent headers
--- config
    location = /h {
        add_header X-Foo bar;
        add_header X-Multi one;
        add_header X-Multi two;
        return 200 "ok\n";
    }
--- request
GET /h
--- response_headers
X-Foo: bar
X-Multi: one, two
!X-Absent
Content-Length: 3
--- response_body
ok



=== TEST 3: response_headers_like and raw_response_headers_like
--- config
    location = /h {
        add_header X-Num 12345;
        return 204;
    }
--- request
GET /h
--- error_code: 204
--- response_headers_like
X-Num: \d+
Server: nginx.*
--- raw_response_headers_like: ^HTTP/1\.1 204 No Content\r\n
--- response_body



=== TEST 4: error_code and error_log of a missing static file
--- config
--- request
GET /missing.html
--- error_code: 404
--- response_body_like: 404 Not Found
--- error_log
open() "
missing.html" failed (2: No such file or directory)



=== TEST 5: more_headers, comment lines before the request line
--- config
    location = /echo {
        return 200 "foo=$http_x_foo ua=$http_user_agent host=$host\n";
    }
--- more_headers
X-Foo: blah
# not a header
User-Agent: selftest
--- request
# the request line may follow comments
GET /echo
--- response_body
foo=blah ua=selftest host=localhost



=== TEST 6: a request body gets a Content-Length
--- config
    location = /len {
        return 200 "cl=$http_content_length method=$request_method\n";
    }
--- request
POST /len
hello world
--- response_body
cl=11 method=POST



=== TEST 7: no config section: the previous server keeps running
--- request
GET /len HTTP/1.0
--- response_body
cl= method=GET
--- raw_response_headers_like: ^HTTP/1\.1 200



=== TEST 8: pipelined requests over one connection
--- config
    location = /a { return 200 "a\n"; }
    location = /b { add_header X-B 1; return 200 "bb\n"; }
--- pipelined_requests eval
["GET /a", "GET /b"]
--- response_body eval
["a\n", "bb\n"]
--- response_headers eval
["!X-B", "X-B: 1"]
--- no_error_log
[error]



=== TEST 9: chunked response body (sub_filter drops Content-Length)
--- config
    location = /c.txt {
        sub_filter world nginx;
        sub_filter_types text/plain;
    }
--- user_files
>>> c.txt
hello world
--- request
GET /c.txt
--- response_headers
Transfer-Encoding: chunked
!Content-Length
--- response_body
hello nginx



=== TEST 10: several requests, one of them split in packets
--- config
    location = /len {
        return 200 "cl=$http_content_length\n";
    }
--- request eval
["GET /len", ["POST /len\nhel", {value => "lo", delay_before => 0.05}]]
--- response_body eval
["cl=\n", "cl=5\n"]
--- error_log eval
[qr{http request line: "(GET|POST) /len HTTP/1\.1"}]



=== TEST 11: raw_request as a string
--- config
    location = /t { return 200 "raw\n"; }
--- raw_request eval
"GET /t HTTP/1.0\r\nHost: x\r\n\r\n"
--- response_body
raw



=== TEST 12: raw_request as packets with a delay between them
--- raw_request eval
["GET /t HTTP/1.1\r\nHo", "st: x\r\nConnection: close\r\n\r\n"]
--- raw_request_middle_delay: 0.02
--- response_body
raw



=== TEST 13: an invalid request line gives 400 and an info message
--- config
    location = /t { return 200 "x\n"; }
--- raw_request eval
"GET /t HTTP/1.1 garbage\r\n\r\n"
--- error_code: 400
--- response_body_like: 400 Bad Request
--- error_log
client sent invalid request



=== TEST 14: user_files in sub directories, with a modification time
--- config
--- user_files
>>> foo.txt
Hello, world
>>> sub/dir/bar.txt 199801171935.33
bar
--- request eval
["GET /foo.txt", "GET /sub/dir/bar.txt"]
--- response_body eval
["Hello, world\n", "bar\n"]
--- response_headers eval
["Content-Length: 13", "Last-Modified: Sat, 17 Jan 1998 19:35:33 GMT"]



=== TEST 15: user_files as a Perl array, binary body
--- config
--- user_files eval
[["bin.dat" => "a\0b\r\n\xff"]]
--- request
GET /bin.dat
--- response_body eval
"a\0b\r\n\xff"



=== TEST 16: must_die with an unknown directive
--- config
    location = /t {
        no_such_directive_here on;
    }
--- must_die
--- suppress_stderr
--- error_log
[emerg]
unknown directive "no_such_directive_here"



=== TEST 17: must_die with an expected exit code
--- main_config
    worker_processes 2;
--- config
--- must_die: 1
--- suppress_stderr
--- error_log eval
[qr/"worker_processes" directive is duplicate/, "[emerg]"]



=== TEST 18: grep_error_log with $TEST_NGINX_SERVER_ROOT in the output
--- config
--- request
GET /nothere.txt
--- error_code: 404
--- grep_error_log eval
qr/open\(\) "[^"]+" failed/
--- grep_error_log_out
open() "$TEST_NGINX_SERVER_ROOT/html/nothere.txt" failed



=== TEST 19: http_config and $TEST_NGINX_RAND_PORT_N
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        location / {
            return 200 "backend $server_port\n";
        }
    }
--- config
    location = /p {
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/x;
    }
--- request
GET /p
--- response_body_like: ^backend \d+$



=== TEST 20: init runs Perl code before the requests
--- config
--- init
open my $fh, '>', html_dir() . '/init.txt' or die "cannot write: $!";
print $fh "written by init\n";
close $fh;
--- request
GET /init.txt
--- response_body
written by init



=== TEST 21: main_config, post_main_config, server_name, log_level
--- main_config
    env SELFTEST_MAIN_CONFIG;
--- post_main_config
    pcre_jit off;
--- server_name: selftest.example
--- log_level: warn
--- config
    location = /s {
        return 200 "$server_name\n";
    }
--- request
GET /s
--- response_body
selftest.example
--- no_error_log
[debug]
http request line



=== TEST 22: a keep-alive response ends by timeout; abort makes it fine
--- config
    location = /t { return 200 "kept\n"; }
--- more_headers
Connection: keep-alive
--- request
GET /t
--- timeout: 150ms
--- abort
--- response_body
kept



=== TEST 23: error_code_like, Location header, response_body_unlike
--- config
    location = /r { return 302 /elsewhere; }
--- request
GET /r
--- error_code_like: ^30[12]$
--- response_headers_like
Location: http://localhost(:\d+)?/elsewhere
--- response_body_unlike: 200 OK



=== TEST 24: HEAD request: no body although Content-Length is set
--- config
    location = /t { return 200 "body\n"; }
--- request
HEAD /t
--- response_headers
Content-Length: 5
--- response_body



=== TEST 25: response_body_filters, a block preprocessor, a body check
--- config
    location = /t { return 200 "Hello\n"; }
--- req_path: /t
--- response_body_filters
uc
--- response_body
HELLO
--- body_length: 6



=== TEST 26: shutdown_error_log is checked when nginx stops
--- config
    location = /t { return 200 "x\n"; }
--- request
GET /t
--- response_body
x
--- shutdown_error_log
exit
--- no_shutdown_error_log
[crit]



=== TEST 27: $TEST_NGINX_XXX expansion in config and response_body
--- config
    location = /port {
        return 200 "$TEST_NGINX_SERVER_PORT $server_port\n";
    }
--- request
GET /port
--- response_body
$TEST_NGINX_SERVER_PORT $ServerPort



=== TEST 28: SKIP
--- SKIP
--- config
    this would not even parse;
--- request
GET /t



=== TEST 29: skip_nginx
--- skip_nginx
2: >= 1.0.0
--- config
    this would not even parse;
--- request
GET /t
--- response_body
never



=== TEST 30: error_log and no_error_log as Perl arrays
--- config
--- request
GET /nope.txt
--- error_code: 404
--- error_log eval
[qr/\[error\] \d+#\d+: \*\d+ open\(\)/, "No such file or directory"]
--- no_error_log eval
[qr/\[alert\]/, "[crit]"]
