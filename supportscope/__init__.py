"""SupportScope: does Microsoft support this AKS scenario?"""
