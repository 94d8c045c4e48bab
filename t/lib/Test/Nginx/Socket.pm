package Test::Nginx::Socket;

# A small, self-contained runner that understands the Test::Nginx::Socket
# test file format (Test::Base blocks with nginx-specific sections).  It
# is written from the documented behaviour of the CPAN module so that the
# same t/*.t files run unchanged under either implementation.  Only
# Test::Base and Perl core modules are used.  See t/README.

use strict;
use warnings;

use Test::Base -base;

use Digest::MD5 ();
use Digest::SHA ();
use Encode ();
use Fcntl qw(:flock);
use File::Path qw(make_path remove_tree);
use File::Spec ();
use IO::Select ();
use IO::Socket::INET ();
use JSON::PP ();
use List::Util qw(shuffle min);
use POSIX qw(:sys_wait_h SIGQUIT SIGTERM SIGKILL EAGAIN EWOULDBLOCK EINTR);
use Scalar::Util qw(looks_like_number);
use Time::HiRes qw(sleep time);

our $VERSION = '0.01';

sub gen_rand_port ($$);
sub value_contains ($$);

our @EXPORT = qw(
    run_tests run_test plan is_str
    repeat_each no_shuffle no_long_string no_root_location
    log_level workers master_on master_off master_process_enabled
    worker_connections env_to_nginx config_preamble timeout
    server_name server_addr server_root html_dir
    server_port server_port_for_client check_accum_error_log
    add_block_preprocessor add_response_body_check
    add_cleanup_handler add_test_cleanup_handler bail_out
);


# ---------------------------------------------------------------------------
# settings (environment first, then the Perl functions below)

our $NginxBinary          = $ENV{TEST_NGINX_BINARY} || 'nginx';
our $Workers              = 1;
our $WorkerConnections    = 64;
our $LogLevel             = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $MasterProcessEnabled = $ENV{TEST_NGINX_MASTER_PROCESS} || 'off';
our $DaemonEnabled        = 'off';    # we supervise nginx ourselves
our $ServerPort           = $ENV{TEST_NGINX_SERVER_PORT}
                            || $ENV{TEST_NGINX_PORT} || 1984;
our $ServerPortForClient  = $ENV{TEST_NGINX_CLIENT_PORT} || $ServerPort;
our $ServerAddr           = '127.0.0.1';
our $ServerName           = 'localhost';
our $Timeout              = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $TestNginxSleep       = $ENV{TEST_NGINX_SLEEP} || 0.015;
our $RepeatEach           = 1;
our $NoShuffle            = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;
our $NoRootLocation       = 0;
our $NoLongString;
our $CheckAccumErrLog     = $ENV{TEST_NGINX_CHECK_ACCUM_ERR_LOG};
our $Verbose              = $ENV{TEST_NGINX_VERBOSE};
our $LoadModules          = $ENV{TEST_NGINX_LOAD_MODULES};
our $EventType            = $ENV{TEST_NGINX_EVENT_TYPE};
our $PostponeOutput       = $ENV{TEST_NGINX_POSTPONE_OUTPUT};
our $ReusePort            = $ENV{TEST_NGINX_REUSE_PORT};
our $Randomize            = $ENV{TEST_NGINX_RANDOMIZE};
our $WorkerUser           = $ENV{TEST_NGINX_WORKER_USER};
our $ConfigPreamble       = '';

our (@EnvToNginx, @BlockPreprocessors, @ResponseBodyChecks);
our (@CleanupHandlers, @TestCleanupHandlers);

our ($NginxVersion, $NginxRawVersion, $OpenSSLVersion, $NginxV);
our ($PrevConfig, $PrevBlock, $NginxPid);
our $ErrLogFilePos = 0;
our $RandPorts = {};
our $InSubprocess;

if ($ENV{TEST_NGINX_USE_HUP}) {
    warn "# TEST_NGINX_USE_HUP is not supported by this runner; "
         . "nginx is restarted for every block instead\n";
}

if ($Randomize) {
    $ServerPort = gen_rand_port(1000, {})
        or die "cannot find a free port for TEST_NGINX_RANDOMIZE\n";
    $ServerPortForClient = $ServerPort;
}

our $ServRoot = $Randomize
                ? File::Spec->rel2abs("t/servroot_$ServerPort")
                : File::Spec->rel2abs($ENV{TEST_NGINX_SERVROOT}
                                      || 't/servroot');

$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;

our $LogDir     = "$ServRoot/logs";
our $ErrLogFile = "$LogDir/error.log";
our $AccLogFile = "$LogDir/access.log";
our $StderrFile = "$LogDir/stderr.log";
our $HtmlDir    = "$ServRoot/html";
our $ConfDir    = "$ServRoot/conf";
our $ConfFile   = "$ConfDir/nginx.conf";
our $PidFile    = "$LogDir/nginx.pid";


# ---------------------------------------------------------------------------
# exported configuration functions

sub repeat_each (@) {
    $RepeatEach = shift if @_;
    return $RepeatEach;
}

sub no_shuffle ()         { $NoShuffle = 1 }
sub no_long_string ()     { $NoLongString = 1 }
sub no_root_location ()   { $NoRootLocation = 1 }
sub check_accum_error_log () { $CheckAccumErrLog = 1 }
sub master_on ()          { $MasterProcessEnabled = 'on' }
sub master_off ()         { $MasterProcessEnabled = 'off' }
sub config_preamble ($)   { $ConfigPreamble = shift }
sub html_dir ()           { $HtmlDir }
sub server_root ()        { $ServRoot }

sub master_process_enabled (@) {
    return $MasterProcessEnabled unless @_;
    $MasterProcessEnabled = shift() ? 'on' : 'off';
}

sub workers (@) {
    return $Workers unless @_;
    $Workers = shift;
}

sub worker_connections (@) {
    return $WorkerConnections unless @_;
    $WorkerConnections = shift;
}

sub log_level (@) {
    return $LogLevel unless @_;
    $LogLevel = shift;
}

sub timeout (@) {
    return $Timeout unless @_;
    $Timeout = shift;
}

sub server_name (@) {
    return $ServerName unless @_;
    $ServerName = shift;
}

sub server_addr (@) {
    return $ServerAddr unless @_;
    $ServerAddr = shift;
}

sub server_port (@) {
    return $ServerPort unless @_;
    $ServerPort = shift;
}

sub server_port_for_client (@) {
    return $ServerPortForClient unless @_;
    $ServerPortForClient = shift;
}

sub env_to_nginx (@) {
    croak "env_to_nginx: no arguments specified" unless @_;

    for my $v (@_) {
        croak "env_to_nginx: bad argument value: $v"
            if $v !~ /^[A-Za-z_]/ || $v =~ /\n/;
        push @EnvToNginx, $v;
    }
}

sub add_block_preprocessor (&) { unshift @BlockPreprocessors, shift }
sub add_response_body_check ($) { push @ResponseBodyChecks, shift }
sub add_cleanup_handler ($)     { unshift @CleanupHandlers, shift }
sub add_test_cleanup_handler ($) { unshift @TestCleanupHandlers, shift }

sub bail_out (@) {
    run_cleanup_handlers();
    Test::More::BAIL_OUT(join '', @_);
}


# ---------------------------------------------------------------------------
# small helpers

sub verbose { $Verbose }
sub sleep_time { $TestNginxSleep }

# The value of a section, always in scalar context: Test::Base accessors
# return an empty list in list context for absent sections.
sub sec ($$) {
    my ($block, $name) = @_;
    my $v = $block->$name;
    return $v;
}

sub parse_time ($) {
    my $t = shift;
    return undef unless defined $t;
    $t =~ s/^\s+|\s+$//g;
    if ($t =~ /^([\d.]+)\s*ms$/) {
        return $1 / 1000;
    }
    $t =~ s/^([\d.]+)\s*s$/$1/;
    return $t;
}

sub trim ($) {
    my $s = shift;
    return undef unless defined $s;
    $s =~ s/^\s+|\s+$//g;
    $s =~ s/\s+/ /g;
    return $s;
}

sub fmt_str ($) {
    my $s = shift;
    chomp $s;
    $s =~ s/"/\\"/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\n/\\n/g;
    return $s;
}

sub esc_str ($) {
    my $s = shift;
    $s =~ s/\\/\\\\/g;
    $s =~ s/\n/\\n/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\t/\\t/g;
    $s =~ s/([\x00-\x1f\x7f-\xff])/sprintf('\\x%02x', ord $1)/ge;
    return $s;
}

# String comparison that reports the first difference instead of dumping
# two huge strings; honours no_long_string() and qr// expectations.
sub is_str (@) {
    my ($got, $expected, $desc) = @_;

    local $Test::Builder::Level = $Test::Builder::Level + 1;

    if (ref $expected && ref $expected eq 'Regexp') {
        return Test::More::like($got, $expected, $desc);
    }

    if ($NoLongString || !defined $got || !defined $expected
        || ref $got || ref $expected)
    {
        return Test::More::is($got, $expected, $desc);
    }

    if ($got eq $expected) {
        return Test::More::ok(1, $desc);
    }

    Test::More::ok(0, $desc);

    # the xor of the two strings is NUL up to the first difference
    my ($same) = ($got ^ $expected) =~ /^(\0*)/;
    my $i = min(length $same, length $got, length $expected);

    my $from = $i > 30 ? $i - 30 : 0;
    my $line = 1 + (substr($got, 0, $i) =~ tr/\n//);

    Test::More::diag(sprintf(
        "    strings differ at offset %d (line %d)\n"
        . "         got: \"%s\"\n    expected: \"%s\"\n"
        . "    length got: %d, length expected: %d",
        $i, $line,
        esc_str(substr($got, $from, 70)),
        esc_str(substr($expected, $from, 70)),
        length $got, length $expected));

    return 0;
}

our %ChildStatus;    # wait status of the nginx processes we reaped

# Collects the exit status of $pid if it is our child and has ended.
sub reap ($) {
    my $pid = shift;

    return 1 if exists $ChildStatus{$pid};

    if (waitpid($pid, WNOHANG) == $pid) {
        $ChildStatus{$pid} = $?;
        return 1;
    }

    return 0;
}

sub describe_status ($) {
    my $st = shift;

    return 'could not be run' if $st == -1;

    if ($st & 127) {
        return sprintf 'was killed by signal %d%s', $st & 127,
                       ($st & 128) ? ' (core dumped)' : '';
    }

    return 'exited with code ' . ($st >> 8);
}

sub is_running ($) {
    my $pid = shift;

    return 0 unless $pid && $pid =~ /^\d+$/;
    return 0 if reap($pid);
    return 0 unless kill 0, $pid;

    # a process we did not start may be an unreaped zombie
    if (open my $fh, '<', "/proc/$pid/stat") {
        my $st = <$fh>;
        close $fh;
        return 0 if defined $st && $st =~ /^\d+ \(.*\) [ZX]/s;
    }

    return 1;
}

sub child_pids ($) {
    my $ppid = shift;
    my @kids;

    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $line = <$fh>;
        close $fh;
        push @kids, $1 if defined $line
                          && $line =~ /^(\d+) \(.*\) \S+ (\d+) /s
                          && $2 == $ppid;
    }

    return @kids;
}

sub looks_like_nginx ($) {
    my $pid = shift;
    open my $fh, '<', "/proc/$pid/cmdline" or return 1;
    my $cmd = do { local $/; <$fh> } // '';
    close $fh;
    return $cmd =~ /nginx/;
}

sub read_pid_file () {
    open my $in, '<', $PidFile or return undef;
    my $pid = do { local $/; <$in> };
    close $in;
    return undef unless defined $pid && $pid =~ /^\s*(\d+)\s*$/;
    return $1;
}

sub get_pid_from_pidfile ($) {
    my $name = shift;
    my $pid = read_pid_file();
    bail_out("$name - cannot read a pid from $PidFile") unless $pid;
    return $pid;
}

sub show_all_chars ($) {
    my $s = shift;
    $s =~ s/\n/\\n/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\t/\\t/g;
    return $s;
}

sub gen_rand_port ($$) {
    my ($tries, $used) = @_;

    # below the kernel's ephemeral range (32768-60999), where a free port
    # can be taken any moment by an outgoing connection, and above the
    # fixed ports tests like to use
    for (1 .. $tries) {
        my $port = 20000 + int rand(32768 - 20000);
        next if $used->{$port};

        my $sock = IO::Socket::INET->new(
            LocalAddr => $ServerAddr,
            LocalPort => $port,
            Proto     => 'tcp',
            Listen    => 1,
            ReuseAddr => 1,
        );

        if ($sock) {
            close $sock;
            return $port;
        }
    }

    return undef;
}

# Replaces $TEST_NGINX_XXX by the environment value;
# $TEST_NGINX_RAND_PORT_N by a free port, stable within one block.
sub expand_env_in_text ($$$) {
    my ($text, $name, $rand_ports) = @_;

    return $text if !defined $text || ref $text;

    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        my $var = $1;
        my $val;

        if ($var =~ /^TEST_NGINX_RAND_PORT_\d+$/) {
            $val = $rand_ports->{$var};

            if (!defined $val) {
                my %used = ($ServerPort => 1,
                            map { $_ => 1 } values %$rand_ports);
                $val = gen_rand_port(1000, \%used);
                bail_out("$name - cannot find a free port for \$$var")
                    unless defined $val;
                $rand_ports->{$var} = $val;
                $ENV{$var} = $val;
            }

        } else {
            bail_out("$name - No environment $var defined.")
                unless defined $ENV{$var};
            $val = $ENV{$var};
        }

        $val;
    }ge;

    return $text;
}

sub tail_file ($$) {
    my ($file, $n) = @_;
    open my $in, '<', $file or return '';
    my @lines = <$in>;
    close $in;
    splice @lines, 0, @lines - $n if @lines > $n;
    return join '', @lines;
}

sub diag_logs ($) {
    my $what = shift;
    my $msg = '';

    my $err = tail_file($StderrFile, 10);
    $msg .= "--- nginx stderr:\n$err" if $err =~ /\S/;

    my $log = tail_file($ErrLogFile, 20);
    $msg .= "--- last lines of $ErrLogFile:\n$log" if $log =~ /\S/;

    $msg = "$what\n$msg" if defined $what;
    Test::More::diag($msg) if $msg =~ /\S/;
}


# ---------------------------------------------------------------------------
# nginx binary, server root, configuration

sub nginx_cmd () {
    return split ' ', $NginxBinary;
}

sub canon_version (@) {
    my ($major, $minor, $patch, $letter) = @_;
    my $v = sprintf "%d.%03d%03d", $major, $minor, $patch;
    $v .= sprintf "%03d", ord($letter) - ord('a') if defined $letter;
    return $v;
}

sub get_canon_version (@) {
    return canon_version($_[0], $_[1], $_[2]);
}

sub get_nginx_version () {
    my @cmd = nginx_cmd();
    my $out = '';

    if (open my $ph, '-|') {
        $out = do { local $/; <$ph> } // '';
        close $ph;

    } else {
        open STDERR, '>&', \*STDOUT;
        exec @cmd, '-V' or POSIX::_exit(127);
    }

    if ($? != 0) {
        bail_out("cannot run \"$NginxBinary -V\" (set TEST_NGINX_BINARY?): "
                 . $out);
    }

    $NginxV = $out;

    if ($out =~ /built with OpenSSL (\d+)\.(\d+)\.(\d+)([a-z])?/) {
        $OpenSSLVersion = canon_version($1, $2, $3, $4);
    }

    if ($out =~ m{version: \S*?/(\d+)\.(\d+)\.(\d+)}) {
        $NginxRawVersion = "$1.$2.$3";
        return canon_version($1, $2, $3);
    }

    bail_out("cannot parse the output of \"$NginxBinary -V\": $out");
}

sub setup_server_root () {
    if (-d $ServRoot) {
        # never wipe the whole directory: TEST_NGINX_SERVROOT could point
        # somewhere precious by mistake
        remove_tree($ConfDir, $LogDir, $HtmlDir, "$ServRoot/cache",
                    glob("$ServRoot/*_temp"), glob("$ServRoot/*_cache"));
    }

    for my $dir ($ServRoot, $LogDir, $HtmlDir, $ConfDir) {
        next if -d $dir;
        make_path($dir);
        bail_out("cannot create $dir: $!") unless -d $dir;
    }

    write_file("$HtmlDir/index.html",
               '<html><head><title>It works!</title></head>'
               . '<body>It works!</body></html>');
}

sub write_file ($$) {
    my ($path, $body) = @_;
    open my $out, '>', $path or bail_out("cannot write $path: $!");
    binmode $out;
    print $out $body;
    close $out;
}

sub write_user_files ($$) {
    my ($block, $rand_ports) = @_;

    my $name = $block->name;
    my $files = sec($block, 'user_files');

    return unless $files;

    if (!ref $files) {
        my @list;
        for my $line (split /^/m, $files) {
            if ($line =~ /^>>> (\S+)(?:\s+(.+))?/) {
                push @list, [$1, undef, $2];
                next;
            }
            next unless @list;
            $list[-1][1] .= $line;
        }
        $files = \@list;

    } elsif (ref $files ne 'ARRAY') {
        bail_out("$name - --- user_files must be a string or an ARRAY");
    }

    for my $f (@$files) {
        my ($fname, $body, $date) = @$f;

        $body //= '';
        $body = expand_env_in_text($body, $name, $rand_ports);

        my $path = $fname =~ m{^/} ? $fname : "$HtmlDir/$fname";

        if ($path =~ m{^(.*)/}) {
            make_path($1) unless -d $1;
        }

        write_file($path, $body);

        if ($date) {
            local $ENV{TZ} = 'GMT';
            system('touch', '-t', $date, $path) == 0
                or bail_out("$name - touch -t '$date' $path failed");
        }
    }
}

sub write_config_file ($$$) {
    my ($block, $config, $rand_ports) = @_;

    my $name = $block->name;

    my $http_config = sec($block, 'http_config') // '';
    my $main_config = sec($block, 'main_config') // '';
    my $post_main_config = sec($block, 'post_main_config') // '';
    my $server_name = sec($block, 'server_name') // $ServerName;
    my $err_log_file = sec($block, 'error_log_file') || $ErrLogFile;

    $http_config = expand_env_in_text($http_config, $name, $rand_ports);
    $main_config = expand_env_in_text($main_config, $name, $rand_ports);
    $post_main_config = expand_env_in_text($post_main_config, $name,
                                           $rand_ports);
    $err_log_file = expand_env_in_text($err_log_file, $name, $rand_ports);
    $config //= '';

    my $load = '';
    if ($LoadModules) {
        $load = join '', map { "load_module $_;\n" }
                         grep { length } split /\s+/, $LoadModules;
    }

    my $env = '';
    for my $v ('LD_PRELOAD', 'LD_LIBRARY_PATH', 'ASAN_OPTIONS',
               'UBSAN_OPTIONS', @EnvToNginx)
    {
        $env .= $v =~ /\s/ ? "env '$v';\n" : "env $v;\n";
    }

    # temp paths inside the server root so no system directory is touched
    my $temp = '';
    for my $t (qw(client_body proxy fastcgi scgi uwsgi)) {
        next if $NginxV && $NginxV =~ /--without-http_${t}_module/;
        next if $http_config =~ /\b${t}_temp_path\b/;
        $temp .= "    ${t}_temp_path $ServRoot/${t}_temp;\n";
    }

    my $extra_http = '';
    if (defined $PostponeOutput && $http_config !~ /\bpostpone_output\b/) {
        bail_out("bad TEST_NGINX_POSTPONE_OUTPUT: $PostponeOutput")
            if $PostponeOutput !~ /^\d+$/;
        $extra_http = "    postpone_output $PostponeOutput;\n";
    }

    my $listen = $ServerPort . ($ReusePort ? ' reuseport' : '');

    (my $quoted_name = $server_name) =~ s/(['\\])/\\$1/g;

    my $root_location = $NoRootLocation ? '' : <<"_EOC_";
        location / {
            root $HtmlDir;
            index index.html index.htm;
        }
_EOC_

    my $events = "    accept_mutex off;\n"
                 . "    worker_connections $WorkerConnections;\n";
    $events .= "    use $EventType;\n" if $EventType;

    my $user = '';
    if (defined $WorkerUser) {
        $user = "user $WorkerUser;\n";
    } elsif ($> == 0) {
        $user = "user root;\n";
    }

    my $conf = <<"_EOC_";
${load}worker_processes $Workers;
daemon $DaemonEnabled;
master_process $MasterProcessEnabled;
error_log $err_log_file $LogLevel;
pid $PidFile;
$env$user
$main_config

http {
    access_log $AccLogFile;
$temp
    default_type text/plain;
    keepalive_timeout 68000ms;
$extra_http
$http_config

    server {
        listen $listen;
        server_name '$quoted_name';
        client_max_body_size 30M;

        # preamble
$ConfigPreamble

        # test block config
$config
        # end of test block config

$root_location    }
}

$post_main_config

events {
$events}
_EOC_

    write_file($ConfFile, $conf);
}


# ---------------------------------------------------------------------------
# starting and stopping nginx

our $NginxChild;     # the process we forked (nginx itself, or a wrapper)

# Stops the nginx we started, or one left behind by an earlier run of the
# same server root.
sub stop_nginx ($) {
    my $name = shift;

    my $pid = $NginxPid // read_pid_file();
    my $child = $NginxChild;

    undef $NginxPid;
    undef $NginxChild;

    if ($pid && is_running($pid)
        && ((defined $child && $pid == $child) || looks_like_nginx($pid)))
    {
        kill($ENV{TEST_NGINX_FAST_SHUTDOWN} ? SIGTERM : SIGQUIT, $pid);

        my $deadline = time + $Timeout;
        sleep 0.002 while is_running($pid) && time < $deadline;

        if (is_running($pid)) {
            warn "$name - nginx (pid $pid) did not exit within "
                 . "${Timeout}s, killing it\n";

            my @kids = child_pids($pid);
            kill SIGKILL, $pid, @kids;

            $deadline = time + 2;
            sleep 0.01 while is_running($pid) && time < $deadline;
        }
    }

    # a wrapper around nginx (TEST_NGINX_BINARY="wrapper nginx") exits
    # on its own once nginx is gone
    if (defined $child) {
        my $deadline = time + 2;
        sleep 0.005 while !reap($child) && time < $deadline;
    }

    unlink $PidFile;
}

# Forks and executes nginx (in the foreground: we are its supervisor).
sub launch_nginx ($) {
    my $block = shift;

    my @cmd = (nginx_cmd(), '-p', "$ServRoot/", '-c', $ConfFile,
               '-e', $ErrLogFile);

    local $ENV{LD_PRELOAD} = $ENV{LD_PRELOAD};

    if (defined $ENV{TEST_NGINX_LD_PRELOAD}) {
        $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_LD_PRELOAD}
                           . (defined $ENV{LD_PRELOAD}
                              ? " $ENV{LD_PRELOAD}" : '');
    }

    warn "starting: @cmd\n" if $Verbose;

    unlink $PidFile;

    my $pid = fork();
    bail_out("fork() failed: $!") unless defined $pid;

    # a recycled pid must not inherit the status of a dead nginx
    delete $ChildStatus{$pid} if $pid;

    if ($pid == 0) {
        $InSubprocess = 1;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>>', $StderrFile;
        exec @cmd or POSIX::_exit(127);
    }

    return $pid;
}

# Waits until nginx has written its pid file (it has opened its listening
# sockets by then) or has exited.  Returns ('ready', $pid),
# ('exited', $status) or ('timeout').
sub wait_nginx ($) {
    my $child = shift;

    my $deadline = time + 30;

    while (time < $deadline) {
        return ('exited', $ChildStatus{$child}) if reap($child);

        my $pid = read_pid_file();
        return ('ready', $pid) if $pid;

        sleep 0.002;
    }

    return ('timeout');
}

sub emit_stderr ($) {
    my $name = shift;
    my $err = tail_file($StderrFile, 50);
    warn "$name - nginx stderr:\n$err" if $err =~ /\S/;
}

# Returns undef on success, or a reason string.
sub start_nginx ($) {
    my $block = shift;
    my $name = $block->name;

    for my $try (1 .. 40) {
        my $child = launch_nginx($block);
        my ($what, $val) = wait_nginx($child);

        if ($what eq 'ready') {
            $NginxPid = $val;
            $NginxChild = $child;
            emit_stderr($name) unless defined sec($block, 'suppress_stderr');
            return undef;
        }

        if ($what eq 'timeout') {
            kill SIGKILL, $child, child_pids($child);
            waitpid($child, 0);
            return "nginx neither started nor exited within 30s";
        }

        return "cannot execute \"$NginxBinary\"" if $val == 127 << 8;

        # the previous instance may still be holding the port briefly
        my $err = tail_file($StderrFile, 5) . tail_file($ErrLogFile, 5);

        if ($err !~ /Address already in use/ || $try == 40) {
            return "nginx failed to start: it " . describe_status($val);
        }

        truncate $StderrFile, 0;
        sleep 0.05;
    }
}


# ---------------------------------------------------------------------------
# error log access

sub error_log_data () {
    # the log phase can run after the response was sent
    sleep $TestNginxSleep * 3;

    open my $in, '<', $ErrLogFile or return [];

    if (!$CheckAccumErrLog && $ErrLogFilePos > 0) {
        seek $in, $ErrLogFilePos, 0;
    }

    my @lines = <$in>;

    $ErrLogFilePos = tell $in unless $CheckAccumErrLog;

    close $in;
    return \@lines;
}

sub access_log_data () {
    sleep $TestNginxSleep * 3;
    open my $in, '<', $AccLogFile or return [];
    my @lines = <$in>;
    close $in;
    return \@lines;
}

sub pattern_list ($) {
    my $pats = shift;

    if (!ref $pats) {
        chomp $pats;
        return [split /\n+/, $pats];
    }

    return [$pats] if ref $pats eq 'Regexp';
    return [@$pats];
}

sub line_matches ($$) {
    my ($line, $pat) = @_;
    return ref $pat ? $line =~ /$pat/ : index($line, $pat) >= 0;
}

sub no_ending () {
    Test::More->builder->no_ending(1);
}

sub value_contains ($$) {
    my ($val, $str) = @_;
    return 0 unless defined $val;
    return index("$val", $str) >= 0 unless ref $val eq 'ARRAY';
    for (@$val) {
        return 1 if value_contains($_, $str);
    }
    return 0;
}

sub check_error_log ($$$$$) {
    my ($block, $res, $dry_run, $rep_idx, $need_array) = @_;

    my $name = $block->name;
    my $lines;

    my $grep_pat = sec($block, 'grep_error_log');
    my $grep_out = sec($block, 'grep_error_log_out');

    if (!defined $grep_pat && defined $grep_out) {
        bail_out("$name - --- grep_error_log_out without --- grep_error_log");
    }

    if (ref $grep_pat && ref $grep_pat eq 'ARRAY') {
        $grep_pat = $grep_pat->[$rep_idx];
    }

    if (defined $grep_pat) {
        bail_out("$name - --- grep_error_log without --- grep_error_log_out")
            unless defined $grep_out;

        my $expected = expand_env_in_text($grep_out, $name, $RandPorts);
        if (ref $expected && ref $expected eq 'ARRAY') {
            $expected = $expected->[$rep_idx];
        }

        SKIP: {
            Test::More::skip("$name - error_log - tests skipped due to "
                             . "$dry_run", 1) if $dry_run;

            $lines ||= error_log_data();

            my $out = '';
            for my $line (@$lines) {
                my $m;
                if (ref $grep_pat) {
                    $m = $& if $line =~ /$grep_pat/;
                } elsif ($line =~ /\Q$grep_pat\E/) {
                    $m = $&;
                }
                $out .= "$m\n" if defined $m && $m !~ /\n/;
            }

            is_str($out, $expected,
                   "$name - grep_error_log_out (req $rep_idx)");
        }
    }

    my %seen_level;

    my $el = sec($block, 'error_log');
    if (defined $el) {
        for my $lvl (qw(alert crit emerg)) {
            $seen_level{$lvl} = 1 if value_contains($el, "[$lvl");
        }

        my $pats = pattern_list($el);
        $lines ||= error_log_data();

        for my $line (@$lines) {
            for my $pat (@$pats) {
                next unless defined $pat && line_matches($line, $pat);
                SKIP: {
                    Test::More::skip("$name - error_log - tests skipped due "
                                     . "to $dry_run", 1) if $dry_run;
                    Test::More::pass("$name - pattern \"$pat\" matches a "
                                     . "line in error.log (req $rep_idx)");
                }
                undef $pat;
            }
        }

        for my $pat (grep { defined } @$pats) {
            SKIP: {
                Test::More::skip("$name - error_log - tests skipped due to "
                                 . "$dry_run", 1) if $dry_run;
                Test::More::fail("$name - pattern \"$pat\" should match a "
                                 . "line in error.log (req $rep_idx)");
            }
        }
    }

    my $nel = sec($block, 'no_error_log');
    if (defined $nel) {
        for my $lvl (qw(alert crit emerg)) {
            $seen_level{$lvl} = 1 if value_contains($nel, "[$lvl");
        }

        my $pats = pattern_list($nel);
        my %found;
        $lines ||= error_log_data();

        for my $i (0 .. $#$lines) {
            my $line = $lines->[$i];

            for my $pat (@$pats) {
                next unless defined $pat && line_matches($line, $pat);

                # a second hit of one pattern is an extra (failing) test
                no_ending() if $found{$pat}++;

                SKIP: {
                    Test::More::skip("$name - no_error_log - tests skipped "
                                     . "due to $dry_run", 1) if $dry_run;

                    my $more = join '',
                        @$lines[$i + 1 .. min($i + 9, $#$lines)];

                    Test::More::fail("$name - pattern \"" . fmt_str($pat)
                        . "\" should not match any line in error.log but "
                        . "matches line \"" . fmt_str($line)
                        . "\" (req $rep_idx)\n" . $more);
                }
            }
        }

        for my $pat (@$pats) {
            next if !defined $pat || $found{$pat};
            SKIP: {
                Test::More::skip("$name - no_error_log - tests skipped due "
                                 . "to $dry_run", 1) if $dry_run;
                Test::More::pass("$name - pattern \"" . fmt_str($pat)
                                 . "\" does not match a line in error.log "
                                 . "(req $rep_idx)");
            }
        }
    }

    return if $dry_run;

    $lines ||= error_log_data();

    for my $line (@$lines) {
        if ($line =~ /\[(alert|crit|emerg)\]/ && !$seen_level{$1}) {
            warn "WARNING: $name - " . fmt_str($line) . "\n";
        }

        if ($line =~ /\bAssertion .*?failed\b/) {
            no_ending();
            (my $l = $line) =~ s/\s+$//;
            Test::More::fail("$name - $l");
        }
    }
}

sub check_access_log ($$$) {
    my ($block, $dry_run, $rep_idx) = @_;

    my $name = $block->name;
    my $lines;

    my $al = sec($block, 'access_log');
    if (defined $al) {
        my $pats = pattern_list($al);
        $lines ||= access_log_data();

        for my $line (@$lines) {
            for my $pat (@$pats) {
                next unless defined $pat && line_matches($line, $pat);
                SKIP: {
                    Test::More::skip("$name - access_log - tests skipped "
                                     . "due to $dry_run", 1) if $dry_run;
                    Test::More::pass("$name - pattern \"$pat\" matches a "
                                     . "line in access.log (req $rep_idx)");
                }
                undef $pat;
            }
        }

        for my $pat (grep { defined } @$pats) {
            SKIP: {
                Test::More::skip("$name - access_log - tests skipped due "
                                 . "to $dry_run", 1) if $dry_run;
                Test::More::fail("$name - pattern \"$pat\" should match a "
                                 . "line in access.log (req $rep_idx)");
            }
        }
    }

    my $nal = sec($block, 'no_access_log');
    if (defined $nal) {
        my $pats = pattern_list($nal);
        my %found;
        $lines ||= access_log_data();

        for my $line (@$lines) {
            for my $pat (@$pats) {
                next unless defined $pat && line_matches($line, $pat);
                no_ending() if $found{$pat}++;
                SKIP: {
                    Test::More::skip("$name - no_access_log - tests skipped "
                                     . "due to $dry_run", 1) if $dry_run;
                    Test::More::fail("$name - pattern \"" . fmt_str($pat)
                        . "\" should not match any line in access.log but "
                        . "matches line \"" . fmt_str($line)
                        . "\" (req $rep_idx)");
                }
            }
        }

        for my $pat (@$pats) {
            next if !defined $pat || $found{$pat};
            SKIP: {
                Test::More::skip("$name - no_access_log - tests skipped due "
                                 . "to $dry_run", 1) if $dry_run;
                Test::More::pass("$name - pattern \"" . fmt_str($pat)
                                 . "\" does not match a line in access.log "
                                 . "(req $rep_idx)");
            }
        }
    }
}

# Checks --- shutdown_error_log / --- no_shutdown_error_log of the block
# whose nginx was just stopped.
sub check_shutdown_error_log ($$) {
    my ($block, $dry_run) = @_;

    my $name = $block->name;
    my $lines;

    my $sel = sec($block, 'shutdown_error_log');
    if (defined $sel) {
        my $pats = pattern_list($sel);
        $lines ||= error_log_data();

        for my $line (@$lines) {
            for my $pat (@$pats) {
                next unless defined $pat && line_matches($line, $pat);
                SKIP: {
                    Test::More::skip("$name - shutdown_error_log - tests "
                                     . "skipped due to $dry_run", 1)
                        if $dry_run;
                    Test::More::pass("$name - pattern \"$pat\" matches a "
                                     . "line in error.log");
                }
                undef $pat;
            }
        }

        for my $pat (grep { defined } @$pats) {
            SKIP: {
                Test::More::skip("$name - shutdown_error_log - tests skipped "
                                 . "due to $dry_run", 1) if $dry_run;
                Test::More::fail("$name - pattern \"$pat\" should match a "
                                 . "line in error.log");
            }
        }
    }

    my $nsel = sec($block, 'no_shutdown_error_log');
    if (defined $nsel) {
        my $pats = pattern_list($nsel);
        my %found;
        $lines ||= error_log_data();

        for my $line (@$lines) {
            for my $pat (@$pats) {
                next unless defined $pat && line_matches($line, $pat);
                no_ending() if $found{$pat}++;
                SKIP: {
                    Test::More::skip("$name - no_shutdown_error_log - tests "
                                     . "skipped due to $dry_run", 1)
                        if $dry_run;
                    Test::More::fail("$name - pattern \"" . fmt_str($pat)
                        . "\" should not match any line in error.log but "
                        . "matches line \"" . fmt_str($line) . "\"");
                }
            }
        }

        for my $pat (@$pats) {
            next if !defined $pat || $found{$pat};
            SKIP: {
                Test::More::skip("$name - no_shutdown_error_log - tests "
                                 . "skipped due to $dry_run", 1) if $dry_run;
                Test::More::pass("$name - pattern \"" . fmt_str($pat)
                                 . "\" does not match a line in error.log");
            }
        }
    }
}

sub stop_prev_nginx ($) {
    my $name = shift;

    stop_nginx($name);

    my $prev = $PrevBlock;
    return unless defined $prev;

    if (defined sec($prev, 'shutdown_error_log')
        || defined sec($prev, 'no_shutdown_error_log'))
    {
        check_shutdown_error_log($prev, 0);
    }
}


# ---------------------------------------------------------------------------
# building requests

sub parse_more_headers ($) {
    my $in = shift;

    my $out = '';
    my $chunked;

    for my $line (split /\n+/, $in) {
        next if $line =~ /^\s*#/ || $line eq '';
        my ($key, $val) = split /:\s*/, $line, 2;
        $val //= '';
        $chunked = 1 if lc $key eq 'transfer-encoding' && $val eq 'chunked';
        $out .= "$key: $val\r\n";
    }

    return ($out, $chunked);
}

# Turns "METHOD [URI [VERSION]]\n[body]" (possibly split in packets) into a
# complete HTTP request.  The packet boundaries are kept at the same places
# relative to the user's text; added headers go with the packet holding the
# end of the request line.  Returns the list of packet strings.
sub build_request ($$$$$) {
    my ($name, $hdr, $chunked, $conn, $packets) = @_;

    my $orig = join '', @$packets;

    my ($first, $rest) = $orig =~ /\A([^\n]*\n?)(.*)\z/s;

    if (!defined $first || $first eq '') {
        bail_out("$name - Request line should be non-empty");
    }

    my @m = $first =~ /^(\s*)(\S+)( *)(?:(\S+)( *))?(?:(\S+)( *))?(\s*)$/;

    if (!@m) {
        bail_out("$name - Request line is not valid. Should be "
                 . "'meth [url [version]]' but got \"$first\".");
    }

    my ($lead, $meth, $sp1, $uri, $sp2, $ver, $sp3, $eol) = @m;

    my $content = $rest;
    my $len_hdr = '';

    if (!$chunked && $content ne ''
        && $hdr !~ /(?:^|\n)Content-Length:/)
    {
        $content =~ s/^\s+|\s+$//gs;
        $len_hdr = "Content-Length: " . length($content) . "\r\n";
    }

    my $headers = '';
    $headers .= "Host: $ServerName\r\n" if $hdr !~ /(?:^|\n)Host:/i;
    $headers .= "Connection: $conn\r\n" if $hdr !~ /(?:^|\n)Connection/i;
    $headers .= "$hdr$len_hdr\r\n";

    # [length in the original text, replacement]
    my @segs = (
        [length $lead, ''],
        [length $meth, "$meth "],
        [length $sp1, ''],
        [length($uri // ''), ($uri // '/') . ' '],
        [length($sp2 // ''), ''],
        [length($ver // ''), ($ver // 'HTTP/1.1') . "\r\n"],
        [length($sp3 // '') + length $eol, ''],
        [0, $headers],
        [length $rest, $content],
    );

    my $new = join '', map { $_->[1] } @segs;

    my @cuts;
    my $b = 0;
    for my $p (@$packets[0 .. $#$packets - 1]) {
        $b += length $p;

        my ($o, $n) = (0, 0);
        my $pos;
        for my $s (@segs) {
            if ($b < $o + $s->[0]) {
                $pos = $n + min($b - $o, length $s->[1]);
                last;
            }
            $o += $s->[0];
            $n += length $s->[1];
        }
        push @cuts, $pos // $n;
    }

    my @out;
    my $from = 0;
    for my $cut (@cuts, length $new) {
        $cut = $from if $cut < $from;
        push @out, substr($new, $from, $cut - $from);
        $from = $cut;
    }

    return @out;
}

sub more_headers_for ($$$) {
    my ($name, $more, $i) = @_;

    if (ref $more && ref $more eq 'ARRAY') {
        my $h = $more->[$i];
        bail_out("$name - --- more_headers lacks data for request $i")
            unless defined $h;
        return parse_more_headers($h);
    }

    return parse_more_headers($more);
}

# Returns a list of requests; each is a list of {value, delay_before}.
sub get_req_from_block ($) {
    my $block = shift;

    my $name = $block->name;
    my @reqs;

    my $raw = sec($block, 'raw_request');
    if (defined $raw) {
        if (ref $raw && ref $raw eq 'ARRAY') {
            push @reqs, [map { {value => $_} } @$raw];
        } else {
            push @reqs, [{value => $raw}];
        }
        return \@reqs;
    }

    my $more = sec($block, 'more_headers') // '';

    my $pipelined = sec($block, 'pipelined_requests');
    if ($pipelined) {
        if (!ref $pipelined || ref $pipelined ne 'ARRAY') {
            bail_out("$name - invalid entries in --- pipelined_requests");
        }

        my $all = '';
        for my $i (0 .. $#$pipelined) {
            my $r = expand_env_in_text($pipelined->[$i], $name, $RandPorts);
            my ($hdr, $chunked) = more_headers_for($name, $more, $i);
            my $conn = $i == $#$pipelined ? 'close' : 'keep-alive';
            $all .= join '', build_request($name, $hdr, $chunked, $conn,
                                           [$r]);
        }

        push @reqs, [{value => $all}];
        return \@reqs;
    }

    my $request = sec($block, 'request');

    if (!defined $request) {
        my $re = sec($block, 'request_eval');
        if (defined $re) {
            $request = Test::Nginx::Util::eval_user_code($re);
            warn $@ if $@;
        }

    } elsif (!ref $request) {
        # leading blank space and "# comment" lines are not part of it
        1 while $request =~ s/^\s*#[^\n]+\s+|^\s+//gs;
    }

    return \@reqs unless defined $request;

    my @list;
    if (!ref $request) {
        @list = ($request);
    } elsif (ref $request eq 'ARRAY') {
        @list = @$request;
    } else {
        bail_out("$name - invalid --- request: must be a string or an "
                 . "array of requests");
    }

    for my $i (0 .. $#list) {
        my $one = $list[$i];
        my ($hdr, $chunked) = more_headers_for($name, $more, $i);

        if (!ref $one) {
            my ($p) = build_request($name, $hdr, $chunked, 'close', [$one]);
            push @reqs, [{value => $p}];
            next;
        }

        if (ref $one ne 'ARRAY') {
            bail_out("$name - $one should be a string or an array of "
                     . "packets");
        }

        my @texts = map {
            !ref $_ ? $_
            : ref $_ eq 'HASH' ? $_->{value}
            : bail_out("$name - $_ should be a string or a hash with value")
        } @$one;

        my @pkts = build_request($name, $hdr, $chunked, 'close', \@texts);

        my @bits;
        for my $j (0 .. $#pkts) {
            my $src = $one->[$j];
            push @bits, {
                value        => $pkts[$j],
                delay_before => ref $src ? $src->{delay_before} : undef,
            };
        }

        push @reqs, \@bits;
    }

    return \@reqs;
}


# ---------------------------------------------------------------------------
# talking to nginx

sub connect_server ($$$) {
    my ($name, $addr, $timeout) = @_;

    my $deadline = time + ($timeout > 1 ? $timeout : 1);
    my $err;

    while (1) {
        my $sock = IO::Socket::INET->new(
            PeerAddr => $addr,
            PeerPort => $ServerPortForClient,
            Proto    => 'tcp',
            Timeout  => $timeout,
        );

        return $sock if $sock;

        $err = $!;

        # nothing to wait for when no server runs (must_die block before)
        # or when it is gone
        last if !$NginxPid || !is_running($NginxPid);
        last if time > $deadline;

        sleep 0.02;
    }

    no_ending();
    Test::More::fail("$name - Can't connect to $addr:$ServerPortForClient: "
                     . "$err (aborted)");
    diag_logs(undef);

    return undef;
}

sub send_request ($$$$) {
    my ($req, $middle_delay, $timeout, $block) = @_;

    my $name = $block->name;
    my @bits = @$req;

    my $head_req = (join '', map { $_->{value} } @bits) =~ /^\s*HEAD\s+/
                   ? 1 : 0;

    my $addr = sec($block, 'server_addr_for_client') // $ServerAddr;

    local $SIG{PIPE} = 'IGNORE';

    my $sock = connect_server($name, $addr, $timeout)
        or return (undef, $head_req);

    $sock->blocking(0);

    my $resp = '';
    my $wbuf = (shift @bits)->{value} // '';
    my $woff = 0;
    my $writing = 1;
    my $sel = IO::Select->new($sock);

    while (1) {
        $! = 0;
        my ($r, $w) = IO::Select->select($sel, $writing ? $sel : undef,
                                         undef, $timeout);

        if (!$r && !$w) {
            next if $! == EINTR;

            close $sock;

            if (!defined sec($block, 'abort')) {
                no_ending();
                Test::More::fail("ERROR: client socket timed out - $name");
            }

            return ($resp, $head_req);
        }

        if ($w && @$w && $writing) {
            while (1) {
                if ($woff >= length $wbuf) {
                    my $next = shift @bits;

                    if (!defined $next) {
                        $writing = 0;

                        my $how = sec($block, 'shutdown');
                        if (defined $how) {
                            shutdown($sock, $how =~ /^\d$/ ? $how : 1);
                        }
                        last;
                    }

                    my $delay = $next->{delay_before} // $middle_delay;
                    sleep $delay if $delay;

                    $wbuf = $next->{value} // '';
                    $woff = 0;
                    next;
                }

                my $n = syswrite($sock, $wbuf, length($wbuf) - $woff, $woff);

                if (!defined $n) {
                    last if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;

                    # the server may already have answered and closed
                    warn "$name - write failed: $!\n" if $Verbose;
                    $writing = 0;
                    last;
                }

                $woff += $n;
            }
        }

        if ($r && @$r) {
            my $eof;

            while (1) {
                my $buf;
                my $n = sysread($sock, $buf, 65536);

                if (!defined $n) {
                    last if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
                    warn "WARNING: $name - HTTP response read failure: $!\n"
                        if $Verbose;
                    $eof = 1;
                    last;
                }

                if ($n == 0) {
                    $eof = 1;
                    last;
                }

                $resp .= $buf;
            }

            last if $eof;
        }
    }

    close $sock;

    return ($resp, $head_req);
}


# ---------------------------------------------------------------------------
# parsing responses

{
    package Test::Nginx::Socket::Response;

    sub new {
        my ($class, %args) = @_;
        return bless { headers => [], %args }, $class;
    }

    sub code {
        my $self = shift;
        $self->{code} = shift if @_;
        return $self->{code};
    }

    sub message  { $_[0]{message} }
    sub protocol { $_[0]{protocol} }

    sub content {
        my $self = shift;
        $self->{content} = shift if @_;
        return $self->{content};
    }

    sub _norm {
        my $n = lc shift;
        $n =~ tr/_/-/;
        return $n;
    }

    # like HTTP::Headers: several fields of one name are joined by ", "
    sub header {
        my ($self, $name) = @_;
        my $want = _norm($name);
        my @v = map { $_->[1] } grep { _norm($_->[0]) eq $want }
                @{ $self->{headers} };
        return @v if wantarray;
        return @v ? join(', ', @v) : undef;
    }

    sub headers { $_[0]{headers} }
}

# Returns ($res, $raw_headers, $left); $left holds bytes after this
# response (pipelining).
sub parse_response ($$$) {
    my ($name, $raw, $head_req) = @_;

    my $raw_headers = '';
    $raw_headers = $1 if $raw =~ /(.*?\r\n)\r\n/s;

    my ($status_line, $str);
    if ($raw =~ /\A(.*?)\n(.*)\z/s) {
        ($status_line, $str) = ($1, $2);
    } else {
        ($status_line, $str) = ($raw, '');
    }
    $status_line =~ s/\r\z//;

    my ($proto, $code, $msg);
    if ($status_line =~ /^\d{3} /) {
        ($code, $msg) = split ' ', $status_line, 2;
    } else {
        ($proto, $code, $msg) = split ' ', $status_line, 3;
    }

    undef $code if defined $code && $code !~ /^\d+$/;

    my @hdrs;
    while (length $str) {
        if ($str =~ s/^([^\s:]+)[ \t]*: ?(.*)\n?//) {
            my ($k, $v) = ($1, $2);
            $v =~ s/\r\z//;
            push @hdrs, [$k, $v];

        } elsif (@hdrs && $str =~ s/^([ \t].*)\n?//) {
            (my $more = $1) =~ s/\r\z//;
            $hdrs[-1][1] .= "\n$more";

        } else {
            $str =~ s/^\r?\n//;
            last;
        }
    }

    my $res = Test::Nginx::Socket::Response->new(
        protocol => $proto, code => $code, message => $msg,
        headers => \@hdrs, content => $str,
    );

    return ($res, $raw_headers) if $code && ($code == 304 || $code == 101);

    my $left;
    my $te = $res->header('Transfer-Encoding');
    my $len = $res->header('Content-Length');

    if (defined $te && $te eq 'chunked') {
        my $body = '';
        my $pos = 0;

        while (1) {
            pos($str) = $pos;

            if ($str !~ /\G[ \t]*([0-9A-Fa-f]+)[^\r\n]*\r\n/gc) {
                no_ending();
                if ($pos < length $str) {
                    Test::More::fail("$name - invalid chunked body received: "
                                     . esc_str(substr($str, $pos, 80)));
                } else {
                    Test::More::fail("$name - no last chunk found - "
                                     . esc_str(substr($str, 0, 200)));
                }
                return;
            }

            my $size = hex $1;
            $pos = pos($str);

            if ($size == 0) {
                # optional trailer fields, then the final CRLF
                pos($str) = $pos;
                while ($str =~ /\G([^\r\n]+)\r\n/gc) { }

                if ($str !~ /\G\r\n/gc) {
                    no_ending();
                    Test::More::fail("$name - invalid chunked data received "
                                     . "(expected CRLF).");
                    return;
                }

                $pos = pos($str);
                $left = substr($str, $pos) if $pos < length $str;
                last;
            }

            if (length($str) - $pos < $size) {
                no_ending();
                Test::More::fail("$name - invalid chunked data received "
                                 . "(not enough octets for the data "
                                 . "section)");
                return;
            }

            $body .= substr($str, $pos, $size);
            $pos += $size;

            if (substr($str, $pos, 2) ne "\r\n") {
                no_ending();
                Test::More::fail("$name - invalid chunked data received "
                                 . "(expected CRLF).");
                return;
            }

            $pos += 2;
        }

        $res->content($body);

    } elsif (defined $len && $len =~ /^\s*(\d+)\s*$/) {
        $len = $1;

        if (length $str < $len) {
            warn "WARNING: $name - response body truncated: $len expected, "
                 . "but got " . length($str) . "\n" unless $head_req;

        } elsif (length $str > $len) {
            $left = substr($str, $len);
            $res->content(substr($str, 0, $len));
        }
    }

    return ($res, $raw_headers, $left);
}


# ---------------------------------------------------------------------------
# response checks

sub get_indexed_value ($$$$) {
    my ($name, $value, $idx, $need_array) = @_;

    if ($need_array) {
        return $value->[$idx] if ref $value && ref $value eq 'ARRAY';
        bail_out("$name - You asked for many requests, the expected "
                 . "results should be arrays as well.");
    }

    return $value->[0] if ref $value && ref $value eq 'ARRAY';
    return $value;
}

sub check_error_code ($$$$$) {
    my ($block, $res, $dry_run, $idx, $need_array) = @_;

    my $name = $block->name;
    my $got = ($res && $res->code) || '';

    SKIP: {
        Test::More::skip("$name - tests skipped due to $dry_run", 1)
            if $dry_run;

        my $like = sec($block, 'error_code_like');
        my $code = sec($block, 'error_code');

        if (defined $like) {
            my $v = get_indexed_value($name, $like, $idx, $need_array);
            Test::More::like($got, qr/$v/sm, "$name - status code ok");

        } elsif (defined $code) {
            Test::More::is($got,
                           get_indexed_value($name, $code, $idx, $need_array),
                           "$name - status code ok");

        } else {
            Test::More::is($got, 200, "$name - status code ok");
        }
    }
}

sub check_raw_response_headers ($$$$$) {
    my ($block, $raw_headers, $dry_run, $idx, $need_array) = @_;

    my $name = $block->name;

    for my $kind ('like', 'unlike') {
        my $v = sec($block, "raw_response_headers_$kind");
        next unless defined $v;

        SKIP: {
            Test::More::skip("$name - raw_response_headers_$kind - tests "
                             . "skipped due to $dry_run", 1) if $dry_run;

            my $pat = get_indexed_value($name, $v, $idx, $need_array);

            if ($kind eq 'like') {
                Test::More::like($raw_headers, qr/$pat/s,
                                 "$name - raw resp headers like");
            } else {
                Test::More::unlike($raw_headers, qr/$pat/s,
                                   "$name - raw resp headers unlike");
            }
        }
    }
}

sub parse_headers ($) {
    my $s = shift;
    my %h;

    for my $line (split /\n/, $s // '') {
        $line =~ s/^\s+|\s+$//g;

        if ($line =~ s/^!\s*//) {
            $h{$line} = undef;
            next;
        }

        my ($k, $v) = split /\s*:\s*/, $line, 2;
        $h{$k // ''} = $v;
    }

    return \%h;
}

sub check_response_headers ($$$$$$) {
    my ($block, $res, $raw_headers, $dry_run, $idx, $need_array) = @_;

    my $name = $block->name;

    my $rh = sec($block, 'response_headers');
    my $rhl = sec($block, 'response_headers_like');

    if (defined $rh) {
        my $h = parse_headers(get_indexed_value($name, $rh, $idx,
                                                $need_array));

        for my $key (sort keys %$h) {
            my $val = $h->{$key};

            SKIP: {
                Test::More::skip("$name - response_headers - tests skipped "
                                 . "due to $dry_run", 1) if $dry_run;

                if (!defined $val) {
                    Test::More::unlike($raw_headers, qr/^\s*\Q$key\E\s*:/ms,
                        "$name - header $key not present in the raw "
                        . "headers");
                    next;
                }

                $val =~ s/\$ServerPort\b/$ServerPort/g;
                $val =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;

                my $got = $res ? $res->header($key) : undef;
                Test::More::is($got // '', $val, "$name - header $key ok");
            }
        }

    } elsif (defined $rhl) {
        my $h = parse_headers(get_indexed_value($name, $rhl, $idx,
                                                $need_array));

        for my $key (sort keys %$h) {
            my $val = $h->{$key} // '';
            my $got = $res ? $res->header($key) : undef;

            SKIP: {
                Test::More::skip("$name - response_headers_like - tests "
                                 . "skipped due to $dry_run", 1) if $dry_run;
                Test::More::like($got // '', qr/^$val$/,
                                 "$name - header $key like ok");
            }
        }
    }
}

sub run_body_filter ($$$) {
    my ($block, $f, $s) = @_;

    return $f->($s) if ref $f && ref $f eq 'CODE';

    my $name = $block->name;

    bail_out("$name - --- response_body_filters accepts code refs and "
             . "names only") if ref $f;

    my %builtin = (
        md5_hex  => sub { Digest::MD5::md5_hex($_[0]) },
        sha1_hex => sub { Digest::SHA::sha1_hex($_[0]) },
        uc       => sub { uc $_[0] },
        lc       => sub { lc $_[0] },
        ucfirst  => sub { ucfirst $_[0] },
        lcfirst  => sub { lcfirst $_[0] },
        length   => sub { length $_[0] },
    );

    my $code = $builtin{$f}
        or bail_out("$name - unknown filter \"$f\" in "
                    . "--- response_body_filters");

    return $code->($s);
}

sub transform_response_body ($$$) {
    my ($block, $res, $idx) = @_;

    return unless defined $res && defined $res->content;

    my $filters = sec($block, 'response_body_filters');
    return unless defined $filters;

    my $name = $block->name;

    if (!ref $filters) {
        $filters =~ s/^\s+|\s+$//gs;
        $filters = [split /\s+/, $filters];
    } elsif (ref $filters ne 'ARRAY') {
        $filters = [$filters];
    }

    if (@$filters && ref $filters->[0] eq 'ARRAY') {
        $filters = $filters->[$idx];
        bail_out("$name - --- response_body_filters has no entry for "
                 . "request $idx") unless defined $filters;
    }

    my $body = $res->content;
    for my $f (ref $filters eq 'ARRAY' ? @$filters : ($filters)) {
        $body = run_body_filter($block, $f, $body);
    }

    $res->content($body);
}

sub check_response_body ($$$$$$) {
    my ($block, $res, $dry_run, $idx, $rep_idx, $need_array) = @_;

    my $name = $block->name;
    my $content = $res ? $res->content : undef;

    my $rb = sec($block, 'response_body');
    my $rbe = sec($block, 'response_body_eval');
    my $rbl = sec($block, 'response_body_like');
    my $rbu = sec($block, 'response_body_unlike');

    if (defined $rb || defined $rbe) {
        if (defined sec($block, 'response_body_json_sort')
            && defined $content)
        {
            my $js = JSON::PP->new->canonical(1)->loose(1);
            my $obj = eval { $js->decode($content) };
            $content = $js->encode($obj) . "\n" if defined $obj;
        }

        my $expected;
        if (defined $rbe) {
            $expected = Test::Nginx::Util::eval_user_code(
                            get_indexed_value($name, $rbe, $idx,
                                              $need_array));
            warn $@ if $@;
        } else {
            $expected = get_indexed_value($name, $rb, $idx, $need_array);
        }

        my $charset = sec($block, 'charset');
        if ($charset && defined $expected && !ref $expected) {
            Encode::from_to($expected, 'UTF-8', $charset);
        }

        if (defined $expected && !ref $expected) {
            $expected =~ s/\$ServerPort\b/$ServerPort/g;
            $expected =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
            $expected = expand_env_in_text($expected, $name, $RandPorts);
        }

        SKIP: {
            Test::More::skip("$name - response_body - tests skipped due to "
                             . "$dry_run", 1) if $dry_run;

            my $desc = "$name - response_body - response is expected "
                       . "(repeated req $rep_idx, req $idx)";

            if (ref $expected) {
                Test::More::like($content, $expected,
                                 "$name - response_body - like (repeated "
                                 . "req $rep_idx, req $idx)");
            } else {
                is_str($content, $expected, $desc);
            }
        }

    } elsif (defined $rbl || defined $rbu) {
        my $type = defined $rbl ? 'like' : 'unlike';
        my $pat = get_indexed_value($name, defined $rbl ? $rbl : $rbu,
                                    $idx, $need_array);

        $pat =~ s/\$ServerPort\b/$ServerPort/g;
        $pat =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;

        my $summary = trim($content) // '';
        $summary = substr($summary, 0, 200) . '...' if length $summary > 200;

        SKIP: {
            Test::More::skip("$name - response_body_$type - tests skipped "
                             . "due to $dry_run", 1) if $dry_run;

            my $desc = "$name - response_body_$type - response is expected "
                       . "($summary)";

            if ($type eq 'like') {
                Test::More::like($content, qr/$pat/s, $desc);
            } else {
                Test::More::unlike($content, qr/$pat/s, $desc);
            }
        }
    }

    for my $check (@ResponseBodyChecks) {
        $check->($block, $res ? $res->content : undef, $idx, $rep_idx,
                 $dry_run);
    }
}

# One round of requests of a block (called repeat_each() times).
sub run_test_helper ($$$) {
    my ($block, $dry_run, $rep_idx) = @_;

    my $name = $block->name;

    my $reqs = get_req_from_block($block);
    bail_out("$name - request empty") unless @$reqs;

    my $timeout = parse_time(sec($block, 'timeout')) // $Timeout;

    my $pipelined = sec($block, 'pipelined_requests');
    my $ignore = defined sec($block, 'ignore_response');
    my $wait = sec($block, 'wait');
    my $middle_delay = sec($block, 'raw_request_middle_delay');

    my $need_array = $pipelined ? 1 : @$reqs > 1;
    my $res;
    my $idx = 0;

    for my $r (0 .. $#$reqs) {
        my ($raw, $head_req);

        if ($dry_run) {
            $raw = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        } else {
            ($raw, $head_req) = send_request($reqs->[$r], $middle_delay,
                                             $timeout, $block);
        }

        $raw //= '';

        my $left_n = $pipelined ? scalar @$pipelined : 0;

        while (1) {
            warn "response: [$raw]\n" if $Verbose;

            my ($raw_headers, $left) = ('', undef);

            if (!$ignore) {
                if (defined sec($block, 'http09')) {
                    $res = Test::Nginx::Socket::Response->new(
                        code => 200, message => 'OK', content => $raw);
                } else {
                    ($res, $raw_headers, $left) =
                        parse_response($name, $raw, $head_req);
                }
            }

            if ($left_n) {
                $left_n--;
                $raw = $left // '';

            } elsif (defined $left) {
                warn "WARNING: $name - unexpected extra bytes after the "
                     . "response: \"" . esc_str($left) . "\"\n";
            }

            if (!$ignore) {
                check_error_code($block, $res, $dry_run, $idx, $need_array);
                check_raw_response_headers($block, $raw_headers, $dry_run,
                                           $idx, $need_array);
                check_response_headers($block, $res, $raw_headers, $dry_run,
                                       $idx, $need_array);
                transform_response_body($block, $res, $idx);
                check_response_body($block, $res, $dry_run, $idx, $rep_idx,
                                    $need_array);
            }

            # every request but the last gets its own error log checks
            if ($left_n || $r < $#$reqs) {
                sleep $wait if $wait;
                check_error_log($block, $res, $dry_run, $rep_idx,
                                $need_array);
                check_access_log($block, $dry_run, $rep_idx) unless $ignore;
            }

            $idx++;
            last unless $left_n;
        }
    }

    sleep $wait if $wait;

    check_error_log($block, $res, $dry_run, $rep_idx, $need_array);
    check_access_log($block, $dry_run, $rep_idx) unless $ignore;
}


# ---------------------------------------------------------------------------
# per-block driver

sub skip_spec ($$) {
    my ($block, $name) = @_;

    my ($n, $skip, $reason);

    my $op_ok = sub {
        my ($have, $op, $want) = @_;
        return 0 unless defined $have;
        return $op eq '<'  ? $have <  $want
             : $op eq '<=' ? $have <= $want
             : $op eq '>'  ? $have >  $want
             :               $have >= $want;
    };

    my $se = sec($block, 'skip_eval');
    if (defined $se) {
        if ($se =~ /^\s*(\d+)\s*:\s*(.*)/s) {
            $n = $1;
            $reason = 'skip_eval';
            my $code = $2;
            $skip = Test::Nginx::Util::eval_user_code($code);
            bail_out("$name - skip_eval - failed to eval \"$code\": $@")
                if $@;
        }
    }

    my $ver_re = qr/([<>]=?)\s*(\d+)\.(\d+)\.(\d+)/;

    my $sn = sec($block, 'skip_nginx');
    my $sn2 = sec($block, 'skip_nginx2');

    if (defined $sn) {
        $sn =~ /^\s*(\d+)\s*:\s*$ver_re(?:\s*:\s*(.*?))?\s*$/s
            or bail_out("$name - Invalid --- skip_nginx spec: $sn");
        $n = $1;
        my ($op, $v) = ($2, canon_version($3, $4, $5));
        $reason = $6 || "nginx version $op $3.$4.$5";
        $skip = 1 if (!defined $NginxVersion && $op =~ /^</)
                     || $op_ok->($NginxVersion, $op, $v);

    } elsif (defined $sn2) {
        $sn2 =~ /^\s*(\d+)\s*:\s*$ver_re\s*(and|or)\s*$ver_re
                 (?:\s*:\s*(.*?))?\s*$/sx
            or bail_out("$name - Invalid --- skip_nginx2 spec: $sn2");
        $n = $1;
        my $one = $op_ok->($NginxVersion, $2, canon_version($3, $4, $5));
        my $two = $op_ok->($NginxVersion, $7, canon_version($8, $9, $10));
        $reason = $11;
        $skip = 1 if !defined $NginxVersion
                     || ($6 eq 'or' ? ($one || $two) : ($one && $two));
    }

    my $so = sec($block, 'skip_openssl');
    if (defined $so) {
        $so =~ /^\s*(\d+)\s*:\s*([<>]=?)\s*(\d+)\.(\d+)\.(\d+)([a-z])?
                (?:\s*:\s*(.*?))?\s*$/sx
            or bail_out("$name - Invalid --- skip_openssl spec: $so");
        $n = $1;
        my $op = $2;
        my $v = canon_version($3, $4, $5, $6);
        $reason = $7 || (defined $OpenSSLVersion
                         ? "OpenSSL version $op $3.$4.$5" . ($6 // '')
                         : "Not built with OpenSSL");
        $skip = 1 if !defined $OpenSSLVersion
                     || $op_ok->($OpenSSLVersion, $op, $v);
    }

    my ($todo, $todo_reason);
    my $t = sec($block, 'todo');
    if (defined $t) {
        $t =~ /^\s*(\d+)\s*:\s*(.*)/s
            or bail_out("$name - Invalid --- todo spec: $t");
        ($todo, $n, $todo_reason) = (1, $1, $2);
    }

    return ($n, $skip, $reason // 'various reasons', $todo,
            $todo_reason // 'various reasons');
}

sub run_must_die ($$) {
    my ($block, $must_die) = @_;

    my $name = $block->name;

    $ErrLogFilePos = 0;

    for my $i (0 .. $RepeatEach - 1) {
        truncate $StderrFile, 0 if -f $StderrFile;

        my $child = launch_nginx($block);
        my ($what, $status) = wait_nginx($child);

        if ($what eq 'timeout') {
            kill SIGKILL, $child, child_pids($child);
            waitpid($child, 0);
            $status = -1;

        } elsif ($what eq 'ready') {
            # it started: from the outside that is a zero exit status
            $NginxPid = $status;
            $NginxChild = $child;
            $status = 0;
        }

        if ($status == -1 || $status == 127 << 8) {
            Test::More::fail("$name - failed to execute the nginx command "
                             . "line");

        } elsif ($status & 128) {
            Test::More::fail("$name - nginx core dumped");

        } elsif (looks_like_number($must_die)) {
            Test::More::is($status >> 8, $must_die,
                           "$name - die with the expected exit code");

        } else {
            Test::More::isnt($status, 0, "$name - die as expected");
        }

        if (!defined sec($block, 'suppress_stderr') && $Verbose) {
            emit_stderr($name);
        }

        check_error_log($block, undef, 0, $i, 0);

        if ($status == 0) {
            warn "WARNING: $name - nginx must die but it does not; "
                 . "killing it (req $i)\n";
            stop_nginx($name);
        }
    }
}

sub run_test ($) {
    my $block = shift;

    return if defined sec($block, 'SKIP');

    my $name = $block->name;

    for my $k (keys %$RandPorts) {
        delete $ENV{$k};
    }
    my $rand_ports = {};
    $RandPorts = $rand_ports;

    my $config = expand_env_in_text(sec($block, 'config'), $name,
                                    $rand_ports);

    local $LogLevel = $LogLevel;
    my $ll = sec($block, 'log_level');
    $LogLevel = $ll if $ll;

    my $must_die = sec($block, 'must_die');
    my $should_restart = 1;

    if (!defined $config) {
        bail_out("$name - No '--- config' section specified and could not "
                 . "get previous one.") unless defined $PrevConfig;

        # like Test::Nginx: keep talking to the running server
        $should_restart = 0;
    }

    my ($skip_n, $should_skip, $skip_reason, $should_todo, $todo_reason) =
        skip_spec($block, $name);

    my $dry_run = 0;

    if (!$should_skip && $should_restart) {
        $PrevConfig = $config;

        stop_prev_nginx($name);
        $ErrLogFilePos = 0;

        setup_server_root();

        my $pssr = sec($block, 'post_setup_server_root');
        if ($pssr) {
            Test::Nginx::Util::eval_user_code($pssr);
            bail_out("$name - post_setup_server_root failed: $@") if $@;
        }

        write_user_files($block, $rand_ports);
        write_config_file($block, $config, $rand_ports);

        if (defined $must_die) {
            run_must_die($block, $must_die);
            return;
        }

        my $err = start_nginx($block);

        if (defined $err) {
            no_ending();
            Test::More::fail("$name - $err (see $ErrLogFile)");
            diag_logs(undef);
            $dry_run = "nginx failing to start";
        }
    }

    my $init = sec($block, 'init');
    if ($init) {
        Test::Nginx::Util::eval_user_code($init);
        bail_out("$name - init failed: $@") if $@;
    }

    $ErrLogFilePos = 0;

    for my $i (1 .. $RepeatEach) {
        write_user_files($block, $rand_ports) if $i > 1;

        if ($should_skip && defined $skip_n) {
            SKIP: {
                Test::More::skip("$name - $skip_reason", $skip_n);
            }

        } elsif ($should_todo) {
            TODO: {
                Test::More::todo_skip("$name - $todo_reason", $skip_n);
            }

        } else {
            run_test_helper($block, $dry_run, $i - 1);
        }
    }

    # a crashed nginx must not go unnoticed even if every check passed
    if (!$dry_run && !$should_skip && !$should_todo && $NginxPid) {
        if (!is_running($NginxPid)) {
            my $st = $ChildStatus{$NginxPid};
            no_ending();
            Test::More::fail("$name - nginx (pid $NginxPid) is gone: it "
                             . (defined $st ? describe_status($st)
                                            : 'exited'));
            diag_logs(undef);
            undef $NginxPid;
            undef $NginxChild;

        } elsif (open my $in, '<', $ErrLogFile) {
            my @bad = grep { /exited on signal \d+/ } <$in>;
            close $in;

            if (@bad) {
                no_ending();
                Test::More::fail("$name - an nginx process crashed: "
                                 . fmt_str($bad[0]));
            }
        }
    }

    if (my $total = $ENV{TEST_NGINX_ERROR_LOG}) {
        if (-s $ErrLogFile && open my $out, '>>', $total) {
            print $out "\n=== $0 $name\n", tail_file($ErrLogFile, 1e9);
            close $out;
        }
    }
}

our @RunLocks;

# Two runs sharing a server root or a port would stop each other's nginx
# and read each other's logs: the second one waits for the first.
sub lock_run () {
    make_path($ServRoot) unless -d $ServRoot;

    my @files = ("$ServRoot/.test-nginx.lock",
                 File::Spec->tmpdir . "/test-nginx-port-$ServerPort.lock");

    for my $file (@files) {
        open my $fh, '>>', $file or bail_out("cannot open $file: $!");

        my $deadline = time + 900;
        my $said;

        until (flock $fh, LOCK_EX | LOCK_NB) {
            bail_out("another test run holds $file for too long")
                if time > $deadline;

            if (!$said++) {
                warn "# waiting for another test run (lock $file)\n";
            }

            sleep 0.1;
        }

        push @RunLocks, $fh;
    }
}

sub run_cleanup_handlers () {
    for my $h (@CleanupHandlers) {
        $h->();
    }
    @CleanupHandlers = ();
}

sub run_tests () {
    srand($$ ^ int(time * 1000));

    $NginxVersion = get_nginx_version();

    $ENV{TEST_NGINX_SERVER_PORT} //= $ServerPort;

    lock_run();

    # a signal would end the process without END blocks: leave through
    # exit() so that nginx is stopped (unless the test set its own handler)
    for my $sig (qw(INT TERM HUP)) {
        next if defined $SIG{$sig} && $SIG{$sig} ne 'DEFAULT';
        $SIG{$sig} = sub {
            warn "# caught SIG$sig, stopping nginx\n";
            exit 1;
        };
    }

    my @blocks = Test::Base::blocks();
    @blocks = shuffle @blocks unless $NoShuffle;

    for my $block (@blocks) {
        for my $pp (@BlockPreprocessors) {
            $pp->($block);
        }

        $block->set_value('name', "$0 " . $block->name);

        run_test($block);

        for my $h (@TestCleanupHandlers) {
            $h->($block);
        }

        $PrevBlock = $block;
    }

    # stop here rather than in END so that shutdown log checks are counted
    # before a done_testing-style plan is emitted
    if ($ENV{TEST_NGINX_NO_CLEAN}) {
        if (defined $PrevBlock) {
            check_shutdown_error_log($PrevBlock, 'TEST_NGINX_NO_CLEAN')
                if defined sec($PrevBlock, 'shutdown_error_log')
                   || defined sec($PrevBlock, 'no_shutdown_error_log');
        }
    } else {
        stop_prev_nginx('run_tests');
    }

    undef $PrevBlock;

    run_cleanup_handlers();

    my $tb = Test::More->builder;
    if (!$tb->has_plan) {
        # no plan declared: behave like done_testing()
        if ($tb->current_test) {
            Test::More::plan(tests => $tb->current_test);
        } else {
            Test::More::plan(skip_all => 'no test blocks to run');
        }
    }
}

END {
    if (!$InSubprocess) {
        local $?;

        run_cleanup_handlers();

        if (!$ENV{TEST_NGINX_NO_CLEAN}) {
            stop_nginx('END');
        }

        if ($Randomize && -d $ServRoot && $ServRoot =~ m{/t/servroot_\d+$}
            && !$ENV{TEST_NGINX_NO_CLEAN})
        {
            remove_tree($ServRoot);
        }
    }
}

# the Test::Nginx::Util name space (aliases, and where user code runs)
require Test::Nginx::Util;

1;
