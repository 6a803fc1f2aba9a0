"""End-to-end tests: the installed app in a real terminal (tmux) and over real SSH."""
