"""placeholder"""
def make_saidwhat(*a, **k):
    raise NotImplementedError
