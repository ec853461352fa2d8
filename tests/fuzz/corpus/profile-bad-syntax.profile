[profile]
mode
lan = maybe
[other]
x = y
