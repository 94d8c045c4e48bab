package Test::Nginx::Util;

# The Test::Nginx::Util name space of the runner in Test/Nginx/Socket.pm.
# The CPAN Test::Nginx keeps its shared helpers here, and evaluates the
# Perl code of "--- init", "--- post_setup_server_root" and
# "--- skip_eval" in this package; this module gives code and helper
# modules written for it the same names.  Everything is an alias of the
# implementation in Test::Nginx::Socket.

use strict;
use warnings;

use Exporter ();
use Test::Nginx::Socket ();

our @ISA = ('Exporter');

our @FUNCTIONS = qw(
    expand_env_in_text env_to_nginx is_str check_accum_error_log
    is_running no_long_string server_addr server_name parse_time verbose
    sleep_time bail_out add_cleanup_handler add_test_cleanup_handler
    access_log_data error_log_data trim parse_headers run_tests
    get_pid_from_pidfile add_block_preprocessor timeout worker_connections
    workers master_on master_off config_preamble repeat_each
    master_process_enabled log_level no_shuffle no_root_location html_dir
    server_root server_port server_port_for_client get_canon_version
    get_nginx_version show_all_chars
);

our @VARIABLES = qw(
    $NoLongString $ServerAddr $ServerName $ServerPortForClient $ServerPort
    $NginxVersion $PidFile $ServRoot $ConfFile $RepeatEach $NginxBinary
    $ErrLogFile $AccLogFile $HtmlDir $LogLevel $Workers
    $MasterProcessEnabled $Timeout $RandPorts
);

our @EXPORT = (@FUNCTIONS, @VARIABLES);

{
    no strict 'refs';

    for my $f (@FUNCTIONS) {
        *{"Test::Nginx::Util::$f"} = \&{"Test::Nginx::Socket::$f"};
    }

    for my $v (@VARIABLES) {
        (my $n = $v) =~ s/^\$//;
        *{"Test::Nginx::Util::$n"} = \${"Test::Nginx::Socket::$n"};
    }
}

# Evaluates the Perl code of a test block here, like the CPAN module.
sub eval_user_code {
    return eval $_[0];
}

1;
