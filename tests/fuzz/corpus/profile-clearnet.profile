[profile]
mode = clearnet
dns = clearnet
lan = allow
